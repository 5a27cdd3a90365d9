import { appendAudit, actorOf } from '../../access/audit.js';
import { assertNamespaceVisible, canAccessNamespace, hasPermission, namespaceFilter, type Principal } from '../../access/principal.js';
import { submitCommand } from '../../control-plane/commands.js';
import { appendEvent } from '../../control-plane/ledger.js';
import { knownKinds, liveWorkersServing } from '../../control-plane/workers.js';
import type { Database, Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';
import { checkAction, namespaceOf, type ActionTarget } from './catalogue.js';
import { getAction, insertAction, listActions, updateAction, type ActionRequest, type ActionStatus } from './store.js';

/**
 * Approvals: the one service every transport (REST, CLI) uses. A proposed action is stored,
 * dry-run by the executor (task `action_dry_run`), then waits for a person: approve or reject,
 * with a reason, before it expires. Only an approval queues the execution (`action_execute`).
 * Rules, in the order they are checked:
 * - the caller must see the namespace (another namespace's action answers 404, like a missing one);
 * - the caller needs `kubernetes:write`: viewers and developers never approve;
 * - `sk_test_` keys never approve;
 * - the person who proposed an action cannot approve it (not through another of their keys either);
 * - only a dry-run action (pending_approval) can be decided, once, and not after it expired;
 * - a destructive action (scale down or to zero, deleting a pod nothing replaces) needs an
 *   admin who says so explicitly (`allowDestructive`); the CLI never says so.
 * A model can propose (through a run) but never approve: approving takes a Principal.
 * Without an executor (no worker has ever served `action_execute`) there is no write path: a
 * proposal is refused with a message saying so.
 */
export const EXECUTOR_TASK_TYPES = { dryRun: 'action_dry_run', execute: 'action_execute' } as const;
export const DEFAULT_APPROVAL_TTL_MS = 60 * 60 * 1000;

export type Requester = { principal: Principal } | { runId: string };

export interface ProposeInput {
  action: string;
  target: ActionTarget;
  params?: Record<string, unknown>;
  reason: string;
  sourceRunId?: string;
  /** From a diagnosis: its root-cause type (what self-healing policies match), its error line and subject (what the Reviewer checks afterwards). */
  rootCauseType?: string;
  errorLine?: string;
  subject?: { kind: string; name: string; namespace?: string };
}

const who = (p: Principal) => `${p.type}:${p.id}`;

export async function event(db: Queryable, a: ActionRequest, type: string, data: Record<string, unknown>): Promise<void> {
  const runId = a.proposalRunId ?? a.sourceRunId;
  if (runId) await appendEvent(db, { runId, type, actor: typeof data.by === 'string' ? data.by : null, data: { actionId: a.id, action: a.action, target: a.target, ...data } });
}

export async function assertExecutorConfigured(db: Queryable): Promise<void> {
  const kinds = await knownKinds(db);
  if (!kinds.includes(EXECUTOR_TASK_TYPES.execute) || !kinds.includes(EXECUTOR_TASK_TYPES.dryRun)) {
    throw new SyntraError('not_ready', 'no executor is configured: Syntra is read-only towards the cluster. Start a worker with SYNTRA_EXECUTOR_KUBECONFIG (its own, writing identity) to enable approved actions.', { retryable: false });
  }
}

/** Statuses in which an action waits for the executor (its dry-run, or its execution). */
const WAITING_FOR_EXECUTOR: readonly ActionStatus[] = ['proposed', 'approved'];

/**
 * Whether an executor serves this action now. An action waiting for one while none is live says
 * so, with until when it waits, instead of waiting silently: `no executor is serving; it will
 * wait until <expiry>`.
 */
export async function executorNotice(db: Queryable, a: ActionRequest): Promise<{ serving: boolean; message?: string }> {
  if (!WAITING_FOR_EXECUTOR.includes(a.status)) return { serving: true };
  const type = a.status === 'proposed' ? EXECUTOR_TASK_TYPES.dryRun : EXECUTOR_TASK_TYPES.execute;
  if ((await liveWorkersServing(db, type, a.namespace)) > 0) return { serving: true };
  return { serving: false, message: `no executor is serving${a.namespace ? ` namespace ${a.namespace}` : ''}; it will wait until ${a.expiresAt.toISOString()} (start a worker with SYNTRA_EXECUTOR_KUBECONFIG)` };
}

function assertMayWrite(principal: Principal, namespace: string | null, doing: string): void {
  assertNamespaceVisible(principal, namespace, 'action');
  if (!hasPermission(principal, 'kubernetes:write')) throw new SyntraError('forbidden', `missing permission kubernetes:write: needed to ${doing}`, { details: { permission: 'kubernetes:write' } });
  if (principal.keyType === 'test') throw new SyntraError('read_only_key', `a sk_test_ key cannot ${doing}: use a live key or sign in`);
}

export async function proposeAction(db: Database, requester: Requester, input: ProposeInput, opts: { ttlMs?: number; now?: Date } = {}): Promise<ActionRequest> {
  const checked = checkAction(input.action, input.target, input.params ?? {});
  if ('principal' in requester) {
    // A node runs every namespace's pods: acting on one takes a caller over every namespace.
    if (namespaceOf(input.target) === null && requester.principal.namespaces !== null) {
      throw new SyntraError('forbidden', `${checked.name} on a ${input.target.kind} is cluster-scoped: it needs kubernetes:write over every namespace, and this caller is limited to ${requester.principal.namespaces.join(', ') || 'no namespaces'}`, { details: { permission: 'kubernetes:write' } });
    }
    assertMayWrite(requester.principal, namespaceOf(input.target), 'propose an action');
  }
  await assertExecutorConfigured(db);
  const now = opts.now ?? new Date();
  const by = 'principal' in requester ? who(requester.principal) : `run:${requester.runId}`;
  const created = await insertAction(db, {
    namespace: namespaceOf(input.target),
    action: checked.name,
    target: input.target,
    params: checked.params,
    risk: checked.risk,
    expectedEffect: checked.expectedEffect,
    verificationPlan: checked.verificationPlan,
    reason: input.reason,
    requestedBy: by,
    requestedByUser: 'principal' in requester ? requester.principal.userId : null,
    sourceRunId: input.sourceRunId ?? ('runId' in requester ? requester.runId : null),
    expiresAt: new Date(now.getTime() + (opts.ttlMs ?? DEFAULT_APPROVAL_TTL_MS)),
    rootCauseType: input.rootCauseType ?? null,
    errorLine: input.errorLine ?? null,
    subject: input.subject ?? null,
  });
  const { runId } = await submitCommand(db, { kind: EXECUTOR_TASK_TYPES.dryRun, input: { actionId: created.id }, ...(created.namespace !== null ? { namespace: created.namespace } : {}), metadata: { actionId: created.id } });
  const stored = (await updateAction(db, created.id, ['proposed'], { proposal_run_id: runId })) ?? created;
  await event(db, stored, 'action.proposed', { by, reason: input.reason, params: stored.params, risk: stored.risk, expectedEffect: stored.expectedEffect });
  await appendAudit(db, {
    ...('principal' in requester ? actorOf(requester.principal) : { actorType: 'system' as const, actorId: by }),
    action: 'action.propose',
    target: `action:${stored.id}`,
    namespace: stored.namespace,
    result: 'ok',
    details: { action: stored.action, target: stored.target, params: stored.params, reason: input.reason },
  });
  return stored;
}

export async function showAction(db: Queryable, principal: Principal | null, id: string): Promise<ActionRequest> {
  const a = await getAction(db, id);
  if (!a || !canAccessNamespace(principal, a.namespace)) throw new SyntraError('not_found', `action ${id} does not exist`);
  return a;
}

export async function listActionRequests(db: Queryable, principal: Principal | null, q: { status?: ActionStatus; limit?: number } = {}): Promise<ActionRequest[]> {
  const namespaces = namespaceFilter(principal);
  return listActions(db, { ...(namespaces ? { namespaces } : {}), ...(q.status ? { status: q.status } : {}), limit: q.limit ?? 50 });
}

export interface Decision {
  reason: string;
  allowDestructive?: boolean;
}

async function decidable(db: Database, principal: Principal, id: string, verb: 'approve' | 'reject', now: Date): Promise<ActionRequest> {
  const a = await showAction(db, principal, id);
  assertMayWrite(principal, a.namespace, `${verb} an action`);
  if (a.requestedByUser !== null && a.requestedByUser === principal.userId) {
    throw new SyntraError('forbidden', `you proposed action ${id}: another person with kubernetes:write in ${a.namespace} must ${verb} it`);
  }
  if (a.status !== 'pending_approval') {
    const why = a.status === 'proposed' ? 'its dry-run has not run yet (is an executor running?)' : `it is ${a.status}`;
    throw new SyntraError('conflict', `action ${id} cannot be ${verb}d: ${why}`, { details: { status: a.status } });
  }
  if (a.expiresAt.getTime() <= now.getTime()) {
    const expired = await updateAction(db, id, ['pending_approval'], { status: 'expired' });
    if (expired) await event(db, expired, 'action.expired', { expiredAt: a.expiresAt.toISOString() });
    throw new SyntraError('conflict', `action ${id} expired at ${a.expiresAt.toISOString()}: propose it again`, { details: { status: 'expired' } });
  }
  return a;
}

export async function approveAction(db: Database, principal: Principal, id: string, d: Decision, opts: { now?: Date } = {}): Promise<ActionRequest> {
  const now = opts.now ?? new Date();
  const a = await decidable(db, principal, id, 'approve', now);
  if (a.destructive) {
    if (!d.allowDestructive) throw new SyntraError('forbidden', `action ${id} is destructive (${a.destructive}): it needs an admin and allowDestructive`, { details: { destructive: a.destructive } });
    if (!principal.roles.includes('admin')) throw new SyntraError('forbidden', `action ${id} is destructive (${a.destructive}): only an admin may approve it`, { details: { destructive: a.destructive } });
  }
  const approved = await db.transaction(async (tx) => {
    const row = await updateAction(tx, id, ['pending_approval'], { status: 'approved', decided_by: who(principal), decided_by_user: principal.userId, decided_at: now, decision_reason: d.reason });
    if (!row) throw new SyntraError('conflict', `action ${id} was decided meanwhile`);
    await event(tx, row, 'action.approved', { by: who(principal), reason: d.reason });
    await appendAudit(tx, { ...actorOf(principal), action: 'action.approve', target: `action:${id}`, namespace: row.namespace, result: 'ok', details: { action: row.action, target: row.target, reason: d.reason } });
    return row;
  });
  return queueExecution(db, approved);
}

/** Only an approval (a person's or a policy's) queues the execution. */
export async function queueExecution(db: Queryable, approved: ActionRequest): Promise<ActionRequest> {
  const { runId } = await submitCommand(db, { kind: EXECUTOR_TASK_TYPES.execute, input: { actionId: approved.id }, ...(approved.namespace !== null ? { namespace: approved.namespace } : {}), metadata: { actionId: approved.id } });
  return (await updateAction(db, approved.id, ['approved', 'executing', 'failed', 'verified', 'verification_failed'], { execution_run_id: runId })) ?? approved;
}

export async function rejectAction(db: Database, principal: Principal, id: string, d: Decision, opts: { now?: Date } = {}): Promise<ActionRequest> {
  const now = opts.now ?? new Date();
  await decidable(db, principal, id, 'reject', now);
  return db.transaction(async (tx) => {
    const row = await updateAction(tx, id, ['pending_approval'], { status: 'rejected', decided_by: who(principal), decided_by_user: principal.userId, decided_at: now, decision_reason: d.reason });
    if (!row) throw new SyntraError('conflict', `action ${id} was decided meanwhile`);
    await event(tx, row, 'action.rejected', { by: who(principal), reason: d.reason });
    await appendAudit(tx, { ...actorOf(principal), action: 'action.reject', target: `action:${id}`, namespace: row.namespace, result: 'ok', details: { action: row.action, target: row.target, reason: d.reason } });
    return row;
  });
}
