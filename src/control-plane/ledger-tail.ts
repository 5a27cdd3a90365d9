import type { Queryable } from '../db/database.js';
import { toEvent } from './row-mappers.js';
import type { LedgerEvent, RunStatus } from './types.js';

/** Where a follower of one run stands: the last seq it has. */
export interface TailCursor {
  runId: string;
  afterSeq: number;
}

export interface RunTail {
  runId: string;
  /** undefined when the run does not exist (any more). */
  status: RunStatus | undefined;
  /** In seq order; at most `limit` (then more are waiting). */
  events: LedgerEvent[];
}

/**
 * The new events of many runs and their status, in ONE statement: one snapshot, so a terminal
 * status comes with every event committed alongside it (a run's status change and its ledger
 * event commit together). This is what lets a follower end race-free after this read.
 */
export async function readRunTails(db: Queryable, cursors: readonly TailCursor[], limit: number): Promise<RunTail[]> {
  if (cursors.length === 0) return [];
  const res = await db.query(
    `SELECT c.run_id AS cursor_run, r.status, e.id, e.run_id, e.seq, e.task_id, e.type, e.actor, e.data, e.created_at
       FROM unnest($1::uuid[], $2::bigint[]) AS c(run_id, after_seq)
       LEFT JOIN runs r ON r.id = c.run_id
       LEFT JOIN LATERAL (
         SELECT * FROM ledger_events le WHERE le.run_id = c.run_id AND le.seq > c.after_seq ORDER BY le.seq LIMIT $3
       ) e ON true
      ORDER BY c.run_id, e.seq`,
    [cursors.map((c) => c.runId), cursors.map((c) => c.afterSeq), limit],
  );
  const tails = new Map<string, RunTail>();
  for (const row of res.rows) {
    const runId = String(row.cursor_run);
    let tail = tails.get(runId);
    if (!tail) tails.set(runId, (tail = { runId, status: (row.status as RunStatus | null) ?? undefined, events: [] }));
    if (row.seq !== null && row.seq !== undefined) tail.events.push(toEvent(row));
  }
  return [...tails.values()];
}
