import type { Database } from '../../src/db/database.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import type { SubmitInput } from '../../src/control-plane/types.js';

/** Test shorthands over the real control plane (no fakes). */
export async function submitMany(db: Database, n: number, input: Partial<SubmitInput> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await submitCommand(db, { kind: 'work', input: { i }, ...input })).runId);
  return ids;
}

/** Moves a lease's expiry into the past, as if its worker had stopped renewing long ago. */
export async function expireLease(db: Database, queueItemId: string): Promise<void> {
  await db.query(`UPDATE queue_items SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [queueItemId]);
}

/** Makes a scheduled retry due now, so a test need not sleep through the backoff. */
export async function makeDue(db: Database, queueItemId: string): Promise<void> {
  await db.query(`UPDATE queue_items SET available_at = now() WHERE id = $1`, [queueItemId]);
}

export async function runStatus(db: Database, runId: string): Promise<string> {
  return (await db.query<{ status: string }>(`SELECT status FROM runs WHERE id = $1`, [runId])).rows[0]!.status;
}

export async function eventTypes(db: Database, runId: string): Promise<string[]> {
  return (await db.query<{ type: string }>(`SELECT type FROM ledger_events WHERE run_id = $1 ORDER BY seq`, [runId])).rows.map((r) => r.type);
}
