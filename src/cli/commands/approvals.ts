import { resolveId } from '../client/resolve-id.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SyntraError } from '../../domain/errors.js';
import { contextOf, withClientOptions, withNamespaceOption } from '../context.js';
import { renderFields, renderTable } from '../output/table.js';
import { dateTime, shortIds } from '../render/formatting.js';

/**
 * `syntra approvals list|show|approve|reject|propose|policies` — the actions Syntra proposes and their approvals,
 * through /v1/actions. Destructive actions (scale down or to zero, deleting a pod nothing
 * replaces) are refused here whatever the caller's rights: an admin approves them through the API
 * with allowDestructive, on purpose.
 */
interface Action {
  id: string;
  namespace: string | null;
  action: string;
  target: { kind: string; name: string; namespace?: string };
  params: Record<string, unknown>;
  risk: string;
  status: string;
  reason: string;
  expectedEffect: string;
  verificationPlan: string;
  requestedBy: string;
  dryRun: { diff: Array<{ path: string; before: unknown; after: unknown }>; error?: string } | null;
  destructive: string | null;
  expiresAt: string;
  decidedBy: string | null;
  decisionReason: string | null;
  execution: { ok?: boolean; error?: string } | null;
  verification: { ok?: boolean; observed?: string; checks?: Array<{ check: string; ok: boolean; detail: string }> } | null;
  createdAt: string;
  approvedByPolicy: string | null;
  executor?: { serving: boolean; message?: string };
}

const limit = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('must be an integer between 1 and 200');
  return n;
};
const target = (a: Action) => `${a.target.kind.toLowerCase()}/${a.target.name}${a.target.namespace ? ` -n ${a.target.namespace}` : ' (cluster-scoped)'}`;
const paramsText = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');

function listCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('action requests, newest first')
    .addOption(new Option('--status <status>', 'only this status, e.g. pending_approval'))
    .option('--limit <n>', 'how many (1-200)', limit, 50);
  withClientOptions(cmd);
  return cmd.addHelpText('after', '\nExamples:\n  $ syntra approvals list --status pending_approval').action(async (opts: { status?: string; limit: number }, self: Command) => {
    const { term, client } = contextOf(self);
    const page = await client.get<{ items: Action[] }>('/v1/actions', { status: opts.status, limit: opts.limit });
    if (term.json) return term.printJson(page);
    if (!page.items.length) return term.out('No action requests. Syntra proposes actions at the end of a diagnosis when an executor is configured.');
    const ids = term.tty ? shortIds(page.items.map((a) => a.id)) : page.items.map((a) => a.id);
    term.out(renderTable(term, ['Action', 'Created', 'Status', 'Risk', 'What', 'Target', 'Requested by'], page.items.map((a, i) => [ids[i]!, dateTime(a.createdAt), a.executor?.serving === false ? `${a.status} (no executor)` : a.status, a.risk, `${a.action} ${paramsText(a.params)}`.trim(), target(a), a.requestedBy])));
  });
}

function showCommand(): Command {
  const cmd = new Command('show').description('one action: its dry-run diff, decision, execution and verification').argument('<actionId>', 'action id (see `syntra approvals list`)');
  withClientOptions(cmd);
  return cmd.addHelpText('after', '\nExamples:\n  $ syntra approvals show <actionId>\n  $ syntra approvals show <actionId> --json').action(async (id: string, _o: unknown, self: Command) => {
    const { term, client } = contextOf(self);
    id = await resolveId(client, 'actions', id);
    const a = await client.get<Action>(`/v1/actions/${encodeURIComponent(id)}`);
    if (term.json) return term.printJson(a);
    term.out(
      renderFields(term, [
        ['Action', a.id],
        ['What', term.color.bold(`${a.action} ${paramsText(a.params)}`.trim())],
        ['Target', target(a)],
        ['Status', a.status],
        ['Risk', a.risk],
        ['Destructive', a.destructive ?? undefined],
        ['Why', a.reason],
        ['Expected', a.expectedEffect],
        ['Verified by', a.verificationPlan],
        ['Requested by', a.requestedBy],
        ['Expires', dateTime(a.expiresAt)],
        ['Decided by', a.decidedBy ? `${a.decidedBy}${a.approvedByPolicy ? ' (self-healing policy)' : ''}: ${a.decisionReason ?? ''}` : undefined],
        ['Waiting', a.executor?.serving === false ? a.executor.message : undefined],
        ['Execution', a.execution ? (a.execution.ok ? 'applied' : `failed: ${a.execution.error ?? ''}`) : undefined],
        ['Verification', a.verification ? `${a.verification.ok ? 'ok' : 'not reached'}: ${a.verification.observed ?? ''}` : undefined],
      ]),
    );
    if (a.verification?.checks?.length) term.out(`${term.color.bold('Reviewer')}\n${a.verification.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.detail}`).join('\n')}`);
    if (a.dryRun?.error) term.out(`${term.color.bold('Dry-run failed')}: ${a.dryRun.error}`);
    else if (a.dryRun) term.out(`${term.color.bold('Dry-run diff')} (server-side, dryRun=All)\n${a.dryRun.diff.map((d) => `  ${d.path}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`).join('\n') || '  (no change)'}`);
  });
}

function decideCommand(verb: 'approve' | 'reject'): Command {
  const cmd = new Command(verb)
    .description(verb === 'approve' ? 'approve a dry-run action: the executor applies it, the Reviewer verifies it' : 'reject a dry-run action: it is never applied')
    .argument('<actionId>', 'action id (see `syntra approvals list`)')
    .requiredOption('--reason <text>', 'why (kept in the ledger and the audit trail)');
  withClientOptions(cmd);
  return cmd.addHelpText('after', `\nExamples:\n  $ syntra approvals ${verb} <actionId> --reason "postgres is down"`).action(async (id: string, opts: { reason: string }, self: Command) => {
    const { term, client } = contextOf(self);
    id = await resolveId(client, 'actions', id);
    if (verb === 'approve') {
      const a = await client.get<Action>(`/v1/actions/${encodeURIComponent(id)}`);
      if (a.destructive) {
        throw new SyntraError('forbidden', `action ${id} is destructive (${a.destructive}): the CLI never approves destructive actions. An admin can approve it through the API (POST /v1/actions/${id}/approve with allowDestructive: true), or reject it here.`);
      }
    }
    const res = await client.post<Action>(`/v1/actions/${encodeURIComponent(id)}/${verb}`, { reason: opts.reason });
    if (term.json) return term.printJson(res);
    term.out(verb === 'approve' ? `Approved ${res.action} on ${target(res)}. Follow it with: syntra approvals show ${res.id}` : `Rejected ${res.action} on ${target(res)}: it will not be applied.`);
  });
}

interface PolicyRule {
  id: string;
  actions: string[];
  namespaces: string[];
  rootCauses: string[];
  maxPerHourPerWorkload: number;
  active: boolean;
  notes: string[];
}

function policiesCommand(): Command {
  const cmd = new Command('policies').description('self-healing: the policy rules that approve low-risk actions without a person (off by default)');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nRules live in the arbiter policies of the control registry (POST /v1/control/arbiters/update with autoApprove, freezeWindows and allowUnapprovedWrites: true).\n\nExamples:\n  $ syntra actions policies\n  $ syntra actions policies --json')
    .action(async (_o: unknown, self: Command) => {
      const { term, client } = contextOf(self);
      const res = await client.get<{ controlVersion: number; selfHealing: boolean; rules: PolicyRule[] }>('/v1/actions/policies');
      if (term.json) return term.printJson(res);
      if (!res.rules.length) return term.out(`Self-healing is off: no policy approves anything by itself; every action waits for a person (control version ${res.controlVersion}).`);
      term.out(renderTable(term, ['Rule', 'State', 'Actions', 'Namespaces', 'Root causes', 'Per hour per workload', 'Notes'], res.rules.map((r) => [r.id, r.active ? 'active' : 'inactive', r.actions.join(', '), r.namespaces.join(', '), r.rootCauses.join(', '), String(r.maxPerHourPerWorkload), r.notes.join('; ')])));
    });
}

/** `--set key=value` (dotted keys nest: limits.memory=512Mi; digits become numbers, true becomes true). */
function collectParam(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  const path = value.slice(0, eq).split('.');
  const raw = value.slice(eq + 1);
  const typed: unknown = /^\d+$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw;
  let at = previous;
  for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[path.at(-1)!] = typed;
  return previous;
}

function proposeCommand(): Command {
  const cmd = new Command('propose')
    .description('propose an action yourself (another person approves it): e.g. set_image with the tag you choose')
    .argument('<action>', 'the action: rollout_restart, rollout_undo, scale, set_image, set_resources, patch_env, delete_pod, cordon, uncordon')
    .argument('<kind/name>', 'the target, e.g. deployment/frontend or node/node-3')
    .option('--set <key=value>', 'a parameter (repeatable): container=frontend, image=registry.example.com/frontend:v2.3.0, limits.memory=512Mi', collectParam, {})
    .requiredOption('--reason <text>', 'why (kept in the ledger and the audit trail)');
  withClientOptions(cmd);
  withNamespaceOption(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra actions propose set_image deployment/frontend -n production --set container=frontend --set image=registry.example.com/frontend:v2.3.0 --reason "v2.3.1-typo does not exist"\n  $ syntra actions propose set_resources deployment/payment-worker -n production --set container=payment-worker --set limits.memory=512Mi --reason "OOMKilled at 256Mi"\n  $ syntra actions propose cordon node/node-3 --reason "disk pressure"')
    .action(async (action: string, ref: string, opts: { set: Record<string, unknown>; reason: string }, self: Command) => {
      const { term, client, settings } = contextOf(self);
      const [kindText, name, extra] = ref.split('/');
      const kinds: Record<string, string> = { deployment: 'Deployment', deploy: 'Deployment', statefulset: 'StatefulSet', sts: 'StatefulSet', daemonset: 'DaemonSet', ds: 'DaemonSet', pod: 'Pod', node: 'Node' };
      const kind = kinds[kindText?.toLowerCase() ?? ''];
      if (!kind || !name || extra !== undefined) throw new SyntraError('validation_failed', `the target must be kind/name (deployment, statefulset, daemonset, pod, node), got "${ref}"`);
      if (kind !== 'Node' && !settings.namespace) throw new SyntraError('validation_failed', `a ${kind} needs its namespace: add -n NAMESPACE`);
      const created = await client.post<Action>('/v1/actions', { action, target: { kind, name, ...(kind !== 'Node' ? { namespace: settings.namespace } : {}) }, params: opts.set, reason: opts.reason });
      if (term.json) return term.printJson(created);
      term.out(`Proposed ${created.action} on ${target(created)}: action ${created.id}. The executor dry-runs it; then another person approves or rejects it (syntra actions show ${created.id}).`);
      if (created.executor?.serving === false) term.out(term.color.yellow(created.executor.message ?? 'no executor is serving'));
    });
}

export function approvalsCommand(): Command {
  return new Command('approvals')
    .alias('actions')
    .description('actions Syntra proposes, and their approval (read-only unless approved)')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(decideCommand('approve'))
    .addCommand(decideCommand('reject'))
    .addCommand(proposeCommand())
    .addCommand(policiesCommand())
    .addHelpText('after', '\nExamples:\n  $ syntra approvals list\n  $ syntra approvals show <actionId>\n  $ syntra approvals approve <actionId> --reason "…"');
}
