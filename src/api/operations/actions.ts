import { actorOf, appendAudit } from '../../access/audit.js';
import type { Principal } from '../../access/principal.js';
import { approveAction, executorNotice, listActionRequests, proposeAction, rejectAction, showAction, type Decision, type ProposeInput } from '../../agents/actions/approvals.js';
import { listPolicyRules } from '../../agents/actions/self-healing.js';
import type { ActionRequest, ActionStatus } from '../../agents/actions/store.js';
import { getSnapshot } from '../../control-plane/control-registry/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { SyntraError, isSyntraError } from '../../domain/errors.js';
import type { Caller } from '../plugins/auth.js';

/**
 * Actions and their approvals as every transport (REST, GraphQL) serves them: the caller's
 * namespaces only (another namespace's action answers not_found, like a missing one), the
 * no-executor notice on every view, and a refused decision audited as denied with its reason.
 * The caller's route permission was checked before.
 */
export type ActionView = ActionRequest & { expired: boolean; executor?: { serving: boolean; message?: string } };

export async function actionView(db: Queryable, a: ActionRequest): Promise<ActionView> {
  const executor = await executorNotice(db, a);
  return { ...a, expired: a.status === 'pending_approval' && a.expiresAt.getTime() <= Date.now(), ...(executor.serving ? {} : { executor }) };
}

export async function visibleActions(db: Queryable, principal: Principal | null, q: { status?: ActionStatus | undefined; limit?: number | undefined }): Promise<{ items: ActionView[] }> {
  const items = await listActionRequests(db, principal, { ...(q.status ? { status: q.status } : {}), limit: q.limit ?? 50 });
  return { items: await Promise.all(items.map((a) => actionView(db, a))) };
}

export async function visibleAction(db: Queryable, principal: Principal | null, id: string): Promise<ActionView> {
  return actionView(db, await showAction(db, principal, id));
}

/** The self-healing rules of the control registry, whether each is active now, and why not. */
export async function actionPolicies(db: Queryable) {
  const snapshot = await getSnapshot(db);
  const rules = listPolicyRules(snapshot);
  return { controlVersion: snapshot.version, selfHealing: rules.some((r) => r.active), rules };
}

function signedIn(caller: Pick<Caller, 'principal'>, doing: string): Principal {
  if (!caller.principal) throw new SyntraError('unauthenticated', `${doing} needs an authenticated person or key`);
  return caller.principal;
}

// The services below write their own audit entries (action.propose, action.approve, …, with the
// reason); marking the caller audited keeps the transport from adding a second, vaguer one.

export async function proposeVisibleAction(db: Database, caller: Pick<Caller, 'principal' | 'auditRecorded'>, input: ProposeInput): Promise<ActionView> {
  const principal = signedIn(caller, 'proposing an action');
  const proposed = await proposeAction(db, { principal }, input);
  caller.auditRecorded = true;
  return actionView(db, proposed);
}

/** Approve or reject; a refusal by the rules (forbidden, a test key, a conflict) is audited as denied, with why. */
export async function decideAction(db: Database, caller: Pick<Caller, 'principal' | 'ip' | 'auditRecorded'>, verb: 'approve' | 'reject', id: string, decision: Decision): Promise<ActionView> {
  const principal = signedIn(caller, `${verb === 'approve' ? 'approving' : 'rejecting'} an action`);
  try {
    const decided = await (verb === 'approve' ? approveAction : rejectAction)(db, principal, id, decision);
    caller.auditRecorded = true;
    return await actionView(db, decided);
  } catch (e) {
    if (isSyntraError(e) && ['forbidden', 'read_only_key', 'conflict'].includes(e.code)) {
      await appendAudit(db, { ...actorOf(principal), action: `action.${verb}`, target: `action:${id}`, ip: caller.ip, result: 'denied', details: { code: e.code, reason: e.message } });
      caller.auditRecorded = true;
    }
    throw e;
  }
}
