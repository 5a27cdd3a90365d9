import { resolveId } from '../client/resolve-id.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SyntraError } from '../../domain/errors.js';
import { contextOf, withClientOptions } from '../context.js';
import { renderFields, renderTable } from '../output/table.js';
import { dateTime, shortIds } from '../render/formatting.js';

/**
 * `syntra approvals list|show|approve|reject` — the actions Syntra proposes and their approvals,
 * through /v1/actions. Destructive actions (scale down or to zero, deleting a pod nothing
 * replaces) are refused here whatever the caller's rights: an admin approves them through the API
 * with allowDestructive, on purpose.
 */
interface Action {
  id: string;
  namespace: string;
  action: string;
  target: { kind: string; name: string; namespace: string };
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
  verification: { ok?: boolean; observed?: string } | null;
  createdAt: string;
}

const limit = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('must be an integer between 1 and 200');
  return n;
};
const target = (a: Action) => `${a.target.kind.toLowerCase()}/${a.target.name} -n ${a.target.namespace}`;
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
    term.out(renderTable(term, ['Action', 'Created', 'Status', 'Risk', 'What', 'Target', 'Requested by'], page.items.map((a, i) => [ids[i]!, dateTime(a.createdAt), a.status, a.risk, `${a.action} ${paramsText(a.params)}`.trim(), target(a), a.requestedBy])));
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
        ['Decided by', a.decidedBy ? `${a.decidedBy}: ${a.decisionReason ?? ''}` : undefined],
        ['Execution', a.execution ? (a.execution.ok ? 'applied' : `failed: ${a.execution.error ?? ''}`) : undefined],
        ['Verification', a.verification ? `${a.verification.ok ? 'ok' : 'not reached'}: ${a.verification.observed ?? ''}` : undefined],
      ]),
    );
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

export function approvalsCommand(): Command {
  return new Command('approvals')
    .alias('actions')
    .description('actions Syntra proposes, and their approval (read-only unless approved)')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(decideCommand('approve'))
    .addCommand(decideCommand('reject'))
    .addHelpText('after', '\nExamples:\n  $ syntra approvals list\n  $ syntra approvals show <actionId>\n  $ syntra approvals approve <actionId> --reason "…"');
}
