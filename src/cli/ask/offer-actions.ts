import type { ApiClient } from '../client/http.js';
import type { Terminal } from '../output/terminal.js';

/**
 * The end of `syntra ask`: the actions the diagnosis proposed, offered for approval one by one
 * ("approve 1? [y/N]") — only on a terminal (stdin and stdout are TTYs, text output) and only
 * when the caller may approve them (kubernetes:write, a live key or a session, the action's
 * namespace, not destructive, not proposed by the caller). Anywhere else nothing is asked: a
 * script piping `y` into `syntra ask` approves nothing. The server checks every rule again.
 */
export interface Caller {
  userId: string;
  permissions: string[];
  namespaces: string[] | null;
  keyType: string | null;
}

export interface OfferedAction {
  id: string;
  namespace: string | null;
  action: string;
  target: { kind: string; name: string; namespace?: string };
  params: Record<string, unknown>;
  status: string;
  destructive: string | null;
  expiresAt: string;
  requestedByUser: string | null;
  dryRun: { diff: Array<{ path: string; before: unknown; after: unknown }> } | null;
  executor?: { serving: boolean; message?: string };
}

export interface OfferContext {
  stdinTTY: boolean;
  stdoutTTY: boolean;
  json: boolean;
}

const onTerminal = (ctx: OfferContext): { ok: true } | { ok: false; why: string } =>
  ctx.json ? { ok: false, why: 'JSON output' } : !ctx.stdinTTY || !ctx.stdoutTTY ? { ok: false, why: 'not a terminal' } : { ok: true };

/** Whether to ask at all, and why not: the decision `syntra ask` takes before any prompt. */
export function mayPrompt(ctx: OfferContext, caller: Caller | undefined): { ok: true } | { ok: false; why: string } {
  const terminal = onTerminal(ctx);
  if (!terminal.ok) return terminal;
  if (!caller) return { ok: false, why: 'not signed in' };
  if (!caller.permissions.includes('kubernetes:write')) return { ok: false, why: 'you lack kubernetes:write' };
  if (caller.keyType === 'test') return { ok: false, why: 'a sk_test_ key never approves' };
  return { ok: true };
}

/** Whether this caller may approve this action now (the server's rules, as far as the CLI can see them). */
export function approvable(caller: Caller, a: OfferedAction, now = new Date()): boolean {
  const inNamespace = caller.namespaces === null || (a.namespace !== null && caller.namespaces.includes(a.namespace));
  return a.status === 'pending_approval' && !a.destructive && inNamespace && a.requestedByUser !== caller.userId && Date.parse(a.expiresAt) > now.getTime();
}

const describe = (a: OfferedAction) => {
  const target = `${a.target.kind.toLowerCase()}/${a.target.name}${a.target.namespace ? ` -n ${a.target.namespace}` : ''}`;
  const params = Object.entries(a.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  const diff = (a.dryRun?.diff ?? []).slice(0, 3).map((d) => `${d.path}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`).join('; ');
  return `${a.action} ${target}${params ? ` ${params}` : ''}${diff ? ` (dry-run: ${diff})` : ''}`;
};

export interface OfferDeps {
  client: ApiClient;
  term: Terminal;
  ctx: OfferContext;
  /** Asks one question on the terminal. */
  question(text: string): Promise<string>;
  runId: string;
  /** How long to wait for the executor's dry-runs (default 15 s). */
  dryRunWaitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function offerProposedActions(deps: OfferDeps, proposed: ReadonlyArray<{ id?: string }>): Promise<void> {
  const ids = proposed.map((p) => p.id).filter((id): id is string => typeof id === 'string');
  // Off a terminal nothing is asked — not even who the caller is.
  if (ids.length === 0 || !onTerminal(deps.ctx).ok) return;
  const caller = await deps.client.get<Caller>('/v1/auth/me').catch(() => undefined);
  const decision = mayPrompt(deps.ctx, caller);
  if (!decision.ok || !caller) {
    deps.term.err(deps.term.color.dim(`The proposed actions are not offered for approval here: ${decision.ok ? 'who you are is unknown' : decision.why}.`));
    return;
  }
  // The executor dry-runs each proposal first; wait a little for it, saying so.
  const deadline = Date.now() + (deps.dryRunWaitMs ?? 15_000);
  let actions = await Promise.all(ids.map((id) => deps.client.get<OfferedAction>(`/v1/actions/${id}`)));
  while (actions.some((a) => a.status === 'proposed' && a.executor?.serving !== false) && Date.now() < deadline) {
    await sleep(500);
    actions = await Promise.all(ids.map((id) => deps.client.get<OfferedAction>(`/v1/actions/${id}`)));
  }
  for (const a of actions.filter((x) => x.executor?.serving === false)) deps.term.out(`${describe(a)}: ${a.executor?.message ?? 'no executor is serving'}`);
  const offered = actions.filter((a) => approvable(caller, a));
  if (offered.length === 0) {
    deps.term.err(deps.term.color.dim(`No proposed action can be approved by you now (${actions.map((a) => `${a.action}: ${a.destructive ? 'destructive' : a.status}`).join(', ')}).`));
    return;
  }
  deps.term.out(deps.term.color.bold('\nProposed actions'));
  offered.forEach((a, i) => deps.term.out(`  ${i + 1}. ${describe(a)}`));
  for (const [i, a] of offered.entries()) {
    const answer = (await deps.question(`approve ${i + 1}? [y/N] `)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') {
      deps.term.out(`  not approved: it waits for approval (syntra actions approve ${a.id} --reason …)`);
      continue;
    }
    const done = await deps.client.post<OfferedAction>(`/v1/actions/${a.id}/approve`, { reason: `approved in syntra ask (run ${deps.runId})` });
    deps.term.out(`  approved ${done.action}: the executor applies it, the Reviewer verifies it — syntra actions show ${done.id}`);
  }
}
