import { SCOPE_SQL } from '../clusters/scope.js';
import type { Database, Queryable } from '../db/database.js';
import { TERMINAL_RUN_STATUSES } from './types.js';

/**
 * Retention: finished runs older than their window move their tasks and ledger events into one
 * run_archive row each (migration 075), in batches, each batch one transaction — so a crash
 * mid-batch leaves the batch untouched and the next round does it again, and a run is never half
 * archived. Why a cold table rather than compressed JSON in the artifact store: the move must be
 * atomic with deleting the hot rows (one database transaction gives that; a store write plus a
 * delete needs a two-phase protocol and leaves orphans after a crash), and the API reads an
 * archived run with the same SQL and the same row shapes (jsonb_populate_recordset) at the cost
 * of one primary-key probe, on PGlite as on PostgreSQL. TOAST compresses each row's arrays.
 */

/** Days to keep finished runs: the default (SYNTRA_RETENTION_DAYS) and per scope (`namespace` or `cluster/namespace`); null = forever. */
export interface RetentionWindows {
  defaultDays: number | null;
  byScope: Readonly<Record<string, number | null>>;
}

export interface ArchiveBatchOptions {
  batch?: number;
  /** Runs after the rows were copied and deleted, before the commit: a throw rolls the batch back (crash tests). */
  beforeCommit?: (tx: Queryable, runIds: readonly string[]) => Promise<void>;
}

const TERMINAL = [...TERMINAL_RUN_STATUSES];

/** The shortest window in force, or null when every run is kept forever. */
function shortestWindow(w: RetentionWindows): number | null {
  const days = [w.defaultDays, ...Object.values(w.byScope)].filter((d): d is number => d !== null);
  return days.length ? Math.min(...days) : null;
}

/** Archives one batch of due runs, oldest first; resolves with how many. 0: nothing (more) is due. */
export async function archiveDueRuns(db: Database, w: RetentionWindows, options: ArchiveBatchOptions = {}): Promise<number> {
  const shortest = shortestWindow(w);
  if (shortest === null) return 0;
  const scopes = Object.keys(w.byScope);
  return db.transaction(async (tx) => {
    // A scope's own window wins over the default, also when it is null (kept forever). A run with
    // open queue items is never due, whatever its status says.
    const due = await tx.query<{ id: string }>(
      `SELECT r.id FROM runs r LEFT JOIN unnest($1::text[], $2::int[]) AS p(scope, days) ON p.scope = ${SCOPE_SQL}
        WHERE r.archived_at IS NULL AND r.finished_at IS NOT NULL AND r.finished_at < now() - make_interval(days => $3::int)
          AND r.status = ANY($4::text[])
          AND r.finished_at < now() - make_interval(days => CASE WHEN p.scope IS NOT NULL THEN p.days ELSE $5::int END)
          AND NOT EXISTS (SELECT 1 FROM queue_items q WHERE q.run_id = r.id AND q.state IN ('available', 'leased'))
        ORDER BY r.finished_at LIMIT $6 FOR UPDATE OF r SKIP LOCKED`,
      [scopes, scopes.map((s) => w.byScope[s]), shortest, TERMINAL, w.defaultDays, options.batch ?? 200],
    );
    const ids = due.rows.map((r) => r.id);
    if (ids.length === 0) return 0;
    await tx.query(
      `INSERT INTO run_archive (run_id, tasks, events)
       SELECT x.id,
              (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.created_at, t.id), '[]') FROM tasks t WHERE t.run_id = x.id),
              (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.seq), '[]') FROM ledger_events e WHERE e.run_id = x.id)
         FROM unnest($1::uuid[]) AS x(id)`,
      [ids],
    );
    await tx.query(`DELETE FROM queue_items WHERE task_id IN (SELECT id FROM tasks WHERE run_id = ANY($1::uuid[]))`, [ids]);
    await tx.query(`DELETE FROM ledger_events WHERE run_id = ANY($1::uuid[])`, [ids]);
    await tx.query(`DELETE FROM tasks WHERE run_id = ANY($1::uuid[])`, [ids]);
    await tx.query(`UPDATE runs SET archived_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
    await options.beforeCommit?.(tx, ids);
    return ids.length;
  });
}

/**
 * The archived rows of run `$1` as a FROM item with the table's own row type (`tasks` or
 * `ledger_events`): no rows while the run is not archived. Readers UNION it with the hot table.
 */
export const archivedRowsOf = (table: 'tasks' | 'ledger_events', column: 'tasks' | 'events'): string =>
  `jsonb_populate_recordset(NULL::${table}, (SELECT ${column} FROM run_archive WHERE run_id = $1))`;
