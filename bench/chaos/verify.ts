import type { Database } from '../../src/db/database.js';
import { now, sleep } from '../lib/timing.js';
import type { SubmitOutcome } from './client.js';

/**
 * What the database says after a chaos run, against what the clients were told: every
 * acknowledged run exists (none lost), one run per idempotency key (no duplicates), every run
 * finished, and no task or run completed twice.
 */
export interface Verdict {
  acknowledged: number;
  lost: number;
  /** Idempotency keys that own more than one command. */
  duplicateKeys: number;
  /** Runs of this scenario in the database (acknowledged or not: an unacknowledged submit may have committed). */
  runs: number;
  succeeded: number;
  unfinished: number;
  completedTwice: number;
  /** From the last acknowledgement until every run had finished. */
  drainMs: number;
}

export async function verify(db: Database, keyPrefix: string, outcomes: readonly SubmitOutcome[], timeoutMs = 300_000): Promise<Verdict> {
  const acked = outcomes.filter((o) => o.runId !== undefined);
  const runIds = acked.map((o) => o.runId!);
  // Scoped keys are stored as `<scope>:<client key>`.
  const pattern = `%:${keyPrefix}%`;
  const drainStarted = now();
  let unfinished = Number.POSITIVE_INFINITY;
  let debugged = !process.env.CHAOS_DEBUG;
  while (unfinished > 0 && now() - drainStarted < timeoutMs) {
    const q0 = now();
    const res = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM runs r JOIN commands c ON c.id = r.command_id
        WHERE c.idempotency_key LIKE $1 AND r.status NOT IN ('succeeded', 'failed', 'cancelled')`,
      [pattern],
    );
    unfinished = res.rows[0]!.n;
    if (process.env.CHAOS_DEBUG) console.log(`drain check: ${unfinished} unfinished, query ${Math.round(now() - q0)} ms`);
    if (unfinished > 0 && now() - drainStarted > 3000 && !debugged) {
      debugged = true;
      const stuck = await db.query(
        `SELECT q.state, q.attempts, q.lease_owner, q.available_at - now() AS available_in, q.lease_expires_at - now() AS expires_in, r.status,
                (SELECT string_agg(type, ',' ORDER BY seq) FROM ledger_events l WHERE l.run_id = r.id) AS events
           FROM runs r JOIN commands c ON c.id = r.command_id JOIN queue_items q ON q.run_id = r.id
          WHERE c.idempotency_key LIKE $1 AND r.status NOT IN ('succeeded', 'failed', 'cancelled') LIMIT 20`,
        [`%:${keyPrefix}%`],
      );
      console.log(JSON.stringify(stuck.rows, null, 1));
    }
    if (unfinished > 0) await sleep(250);
  }
  const drainMs = now() - drainStarted;
  const present = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs WHERE id = ANY($1::uuid[])`, [runIds]);
  const keys = await db.query<{ keys: number; commands: number }>(
    `SELECT count(DISTINCT idempotency_key)::int AS keys, count(*)::int AS commands FROM commands WHERE idempotency_key LIKE $1`,
    [pattern],
  );
  const statuses = await db.query<{ status: string; n: number }>(
    `SELECT r.status, count(*)::int AS n FROM runs r JOIN commands c ON c.id = r.command_id WHERE c.idempotency_key LIKE $1 GROUP BY r.status`,
    [pattern],
  );
  const twice = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT l.task_id FROM ledger_events l JOIN runs r ON r.id = l.run_id JOIN commands c ON c.id = r.command_id
        WHERE c.idempotency_key LIKE $1 AND l.type = 'task.succeeded'
        GROUP BY l.task_id HAVING count(*) > 1) t`,
    [pattern],
  );
  const byStatus = Object.fromEntries(statuses.rows.map((r) => [r.status, r.n]));
  const runs = statuses.rows.reduce((sum, r) => sum + r.n, 0);
  return {
    acknowledged: acked.length,
    lost: acked.length - present.rows[0]!.n,
    duplicateKeys: keys.rows[0]!.commands - keys.rows[0]!.keys,
    runs,
    succeeded: byStatus.succeeded ?? 0,
    unfinished: Number.isFinite(unfinished) ? unfinished : runs,
    completedTwice: twice.rows[0]!.n,
    drainMs,
  };
}
