import { actorOf, appendAudit } from '../../access/audit.js';
import type { ControlWrite, ControlWriteResult, WriteOptions } from '../../control-plane/control-registry/index.js';
import type { Database } from '../../db/database.js';
import type { Caller } from '../plugins/auth.js';

/**
 * A control-registry change for every transport: the reason is required, the actor is the
 * caller, and the audit row commits in the change's own transaction.
 */
export async function changeControl<I>(db: Database, caller: Caller, write: ControlWrite<I>, body: I & { reason: string }): Promise<ControlWriteResult> {
  const { reason, ...input } = body;
  const principal = caller.principal ?? null;
  const audit: WriteOptions['audit'] = (tx, change) =>
    appendAudit(tx, {
      ...actorOf(principal),
      action: `control.${change.entityType}.${change.action}`,
      target: change.entityName,
      ip: caller.ip,
      result: 'ok',
      details: { version: change.version, reason: change.reason },
    });
  const result = await write(db, input as I, { actor: principal?.id ?? 'anonymous', reason }, { audit });
  // Audited in the change's own transaction: the generic after-the-fact audit is not needed.
  caller.auditRecorded = true;
  return result;
}
