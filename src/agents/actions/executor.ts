import { SyntraError, errorMessage, isSyntraError } from '../../domain/errors.js';
import type { Database } from '../../db/database.js';
import type { HandlerResult, TaskContext, TaskHandler, TaskHandlerRegistry } from '../../worker/registry.js';
import { EXECUTOR_TASK_TYPES } from './approvals.js';
import { checkAction, targetText, type CheckedAction, type KubeObject, type Related, type Verification } from './catalogue.js';
import { approveByPolicy } from './self-healing.js';
import { isWorkload, podsOf, verifyWorkload, type Check } from './verify-workload.js';
import { objectDiff } from './diff.js';
import type { KubeWriter } from './kube-writer.js';
import type { ActionTarget } from './action-def.js';
import { getAction, updateAction, type ActionRequest } from './store.js';

/**
 * The executor: a worker with its own, writing Kubernetes identity (SYNTRA_EXECUTOR_KUBECONFIG),
 * separate from the read-only evidence workers. Two task types:
 * - `action_dry_run`: reads the target, sends the action with dryRun=All, stores the diff and the
 *   resourceVersion the approval will be about;
 * - `action_execute`: only for an approved, unexpired action; sends it with that resourceVersion
 *   as a precondition (an object changed since → 409 → failed, never applied), then the Reviewer
 *   verifies the effect (rollout progressed, replicas ready, pod replaced) a bounded number of
 *   times and records success or failure with what it saw.
 */
export interface ExecutorDeps {
  db: Database;
  writer: KubeWriter;
  now?: () => Date;
  /** How the Reviewer waits for the effect: attempts × interval (default 30 × 2 s). */
  verify?: { attempts: number; intervalMs: number };
}

function actionIdOf(input: unknown): string {
  const id = typeof input === 'object' && input !== null && 'actionId' in input ? input.actionId : undefined;
  if (typeof id !== 'string') throw new SyntraError('validation_failed', 'executor task input needs actionId', { retryable: false });
  return id;
}

async function load(db: Database, input: unknown): Promise<ActionRequest> {
  const id = actionIdOf(input);
  const a = await getAction(db, id);
  if (!a) throw new SyntraError('not_found', `action ${id} does not exist`, { retryable: false });
  return a;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/**
 * The objects besides the target the action's request is computed from (rollout_undo: a
 * Deployment's ReplicaSets, a StatefulSet's or DaemonSet's ControllerRevisions), found by the
 * workload's selector as kubectl finds them; the request keeps those the workload controls.
 */
async function relatedOf(writer: KubeWriter, checked: CheckedAction, current: KubeObject): Promise<Related> {
  if (checked.needs !== 'history' || !current.metadata?.namespace) return {};
  const sel = (current.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  const kind = checked.target.kind === 'Deployment' ? 'ReplicaSet' : 'ControllerRevision';
  return { history: await writer.list(kind, current.metadata.namespace, Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') || undefined) };
}

/** What an action counts against for self-healing's rate limit: the workload; a pod counts against its controller (a ReplicaSet's Deployment). */
export function workloadKey(target: ActionTarget, current: KubeObject): string {
  if (target.kind !== 'Pod') return `${target.namespace ?? ''}/${target.kind}/${target.name}`;
  const owner = current.metadata?.ownerReferences?.find((o) => o.controller) ?? current.metadata?.ownerReferences?.[0];
  if (!owner?.name) return `${target.namespace}/Pod/${target.name}`;
  const hash = current.metadata?.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return `${target.namespace}/Deployment/${owner.name.slice(0, -hash.length - 1)}`;
  return `${target.namespace}/${owner.kind}/${owner.name}`;
}

export function dryRunHandler(deps: ExecutorDeps): TaskHandler {
  return async (ctx: TaskContext): Promise<HandlerResult> => {
    const a = await load(deps.db, ctx.input);
    if (a.status !== 'proposed') return { output: { skipped: `action is ${a.status}` } };
    const checked = checkAction(a.action, a.target, a.params);
    const now = deps.now?.() ?? new Date();
    try {
      const current = await deps.writer.read(a.target, ctx.signal);
      if (!current) throw new SyntraError('not_found', `${targetText(a.target)} does not exist`, { retryable: false });
      const resourceVersion = current.metadata?.resourceVersion ?? '';
      const result = await deps.writer.send(a.target, checked.request(current, now, await relatedOf(deps.writer, checked, current)), { resourceVersion, dryRun: true });
      const diff = a.action === 'delete_pod' ? [{ path: '(object)', before: `pod uid ${current.metadata?.uid}`, after: 'deleted' }] : objectDiff(current, result);
      const destructive = checked.destructive(current) ?? null;
      const dryRun = { diff, resourceVersion, at: now.toISOString() };
      const pending = await updateAction(deps.db, a.id, ['proposed'], { status: 'pending_approval', dry_run: dryRun, resource_version: resourceVersion, destructive, workload: workloadKey(a.target, current) });
      await ctx.appendEvent('action.dry_run', { actionId: a.id, action: a.action, target: a.target, ok: true, diff, resourceVersion, destructive });
      // Self-healing, when an operator's policy says so; otherwise the action waits for a person.
      const policy = pending ? await approveByPolicy(deps.db, pending, now) : undefined;
      const status = policy && 'approved' in policy ? 'approved' : 'pending_approval';
      return { output: { status, diff, destructive, ...(policy ? { policy } : {}) }, finishRun: true, runOutput: { actionId: a.id, status, diff, ...(policy && 'approved' in policy ? { approvedByPolicy: policy.rule } : {}) } };
    } catch (e) {
      if (ctx.signal.aborted || (isSyntraError(e) && e.retryable)) throw e;
      const error = errorMessage(e);
      await updateAction(deps.db, a.id, ['proposed'], { status: 'dry_run_failed', dry_run: { diff: [], resourceVersion: '', at: now.toISOString(), error } });
      return { output: { status: 'dry_run_failed', error }, events: [{ type: 'action.dry_run', data: { actionId: a.id, ok: false, error } }], finishRun: true, runOutput: { actionId: a.id, status: 'dry_run_failed', error } };
    }
  };
}

export function executeHandler(deps: ExecutorDeps): TaskHandler {
  return async (ctx: TaskContext): Promise<HandlerResult> => {
    const a = await load(deps.db, ctx.input);
    const now = deps.now?.() ?? new Date();
    if (a.status !== 'approved') return { output: { skipped: `action is ${a.status}` }, finishRun: true };
    if (a.expiresAt.getTime() <= now.getTime()) {
      await updateAction(deps.db, a.id, ['approved'], { status: 'expired' });
      return { output: { status: 'expired' }, events: [{ type: 'action.expired', data: { actionId: a.id } }], finishRun: true };
    }
    const checked = checkAction(a.action, a.target, a.params);
    await updateAction(deps.db, a.id, ['approved'], { status: 'executing' });
    await ctx.appendEvent('action.executing', { actionId: a.id, action: a.action, target: a.target, resourceVersion: a.dryRun?.resourceVersion, by: 'executor' });

    let before: KubeObject | undefined;
    let podsBefore: Set<string> = new Set();
    try {
      before = await deps.writer.read(a.target, ctx.signal);
      if (!before) throw new SyntraError('not_found', `${targetText(a.target)} no longer exists`, { retryable: false });
      podsBefore = isWorkload(a.target.kind) ? new Set((await podsOf(deps.writer, before)).map((p) => p.metadata?.uid ?? '')) : new Set();
      await deps.writer.send(a.target, checked.request(before, now, await relatedOf(deps.writer, checked, before)), { resourceVersion: a.dryRun?.resourceVersion ?? '', dryRun: false });
    } catch (e) {
      const error = isSyntraError(e) && e.code === 'conflict' ? `${targetText(a.target)} changed since it was approved (resourceVersion ${a.dryRun?.resourceVersion}); nothing was applied: propose it again. ${errorMessage(e)}` : errorMessage(e);
      await updateAction(deps.db, a.id, ['executing'], { status: 'failed', execution: { ok: false, error, at: now.toISOString() } });
      return { output: { status: 'failed', error }, events: [{ type: 'action.failed', data: { actionId: a.id, error } }], finishRun: true, runOutput: { actionId: a.id, status: 'failed', error } };
    }
    await updateAction(deps.db, a.id, ['executing'], { execution: { ok: true, at: now.toISOString() } });
    await ctx.appendEvent('action.executed', { actionId: a.id, action: a.action, target: a.target });

    // The Reviewer: is the expected effect there — the object's status, then (for a workload)
    // its pods, its Services' endpoints and the diagnosis's error line in the new pods' logs?
    const { attempts, intervalMs } = deps.verify ?? { attempts: 30, intervalMs: 2000 };
    let seen: Verification = { state: 'pending', detail: 'not checked' };
    let checks: Check[] = [];
    for (let i = 1; i <= attempts; i++) {
      const after = await deps.writer.read(a.target, ctx.signal);
      seen = checked.verify(before, after);
      checks = [];
      // Read even while the rollout is pending: a failing verification shows what the pods say.
      if (seen.state !== 'failed' && after && isWorkload(a.target.kind)) {
        const w = await verifyWorkload(deps.writer, after, { podsBefore, errorLine: a.errorLine, subject: a.subject });
        checks = w.checks;
        seen = { state: seen.state === 'ok' ? w.state : seen.state, detail: `${seen.detail}; ${w.detail}` };
      }
      if (seen.state !== 'pending' || i === attempts) break;
      await sleep(intervalMs, ctx.signal);
    }
    const ok = seen.state === 'ok';
    const verification = { ok, agent: 'reviewer', expected: a.expectedEffect, check: a.verificationPlan, observed: seen.detail, checks, attempts, at: (deps.now?.() ?? new Date()).toISOString() };
    const final = await updateAction(deps.db, a.id, ['executing'], { status: ok ? 'verified' : 'verification_failed', verification });
    return {
      output: { status: final?.status, verification },
      events: [{ type: ok ? 'action.verified' : 'action.verification_failed', data: { actionId: a.id, ...verification } }],
      finishRun: true,
      runOutput: { actionId: a.id, status: final?.status, verification },
    };
  };
}

/** Registers the executor's task types; only a worker given a writing identity calls this. */
export function registerExecutor(registry: TaskHandlerRegistry, deps: ExecutorDeps): TaskHandlerRegistry {
  return registry.register(EXECUTOR_TASK_TYPES.dryRun, dryRunHandler(deps)).register(EXECUTOR_TASK_TYPES.execute, executeHandler(deps));
}
