import type { Queryable } from '../db/database.js';
import { EVENT_COLUMNS, toEvent } from './row-mappers.js';
import { archivedRowsOf } from './run-archive.js';
import { isUuid, jsonParam } from '../db/sql-values.js';
import type { LedgerEvent } from './types.js';

/**
 * The run ledger: append-only, numbered 1, 2, 3 … per run. syntra_append_event bumps
 * runs.last_seq under the run row lock, so numbers are gap-free in commit order and a reader
 * resuming "after seq N" never misses an event that commits later with a smaller number.
 */
export interface AppendEventInput {
  runId: string;
  taskId?: string | null;
  type: string;
  actor?: string | null;
  data?: unknown;
}

/** Call inside the transaction that makes the change the event records. */
export async function appendEvent(tx: Queryable, e: AppendEventInput): Promise<LedgerEvent> {
  const res = await tx.query(`SELECT ${EVENT_COLUMNS} FROM syntra_append_event($1, $2, $3, $4, $5::jsonb)`, [
    e.runId,
    e.taskId ?? null,
    e.type,
    e.actor ?? null,
    jsonParam(e.data ?? {}),
  ]);
  return toEvent(res.rows[0]!);
}

/**
 * A run's events after `afterSeq`, from the hot ledger and, once the run is archived, from its
 * run_archive row (run-archive.ts) — one query either way, the same rows in the same order.
 */
export async function listEvents(
  db: Queryable,
  runId: string,
  opts: { afterSeq?: number; limit?: number } = {},
): Promise<LedgerEvent[]> {
  if (!isUuid(runId)) return [];
  const limit = Math.min(Math.max(opts.limit ?? 1000, 1), 10_000);
  const res = await db.query(
    `SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE run_id = $1 AND seq > $2
     UNION ALL
     SELECT ${EVENT_COLUMNS} FROM ${archivedRowsOf('ledger_events', 'events')} WHERE seq > $2
     ORDER BY seq LIMIT $3`,
    [runId, opts.afterSeq ?? 0, limit],
  );
  return res.rows.map(toEvent);
}
