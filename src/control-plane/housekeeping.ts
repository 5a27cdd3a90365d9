import type { Database } from '../db/database.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';

/**
 * Keeps the two hot, transient tables small: outbox rows once relayed and queue items once done
 * carry nothing the history needs (the run, its tasks and the ledger hold it), yet without this
 * both grow by a row per task forever and every scan, vacuum and index of them grows too.
 * Rows are kept `keepMs` after they finished (for a person looking at a recent incident) and
 * deleted in bounded batches, so one pass never holds locks for long. Dead and cancelled queue
 * items stay: they are the dead letters someone may still inspect or retry.
 * Any number of replicas may run this: a row deleted by one is simply skipped by the others.
 */
export interface PruneOptions {
  keepMs: number;
  /** Rows per statement; a pass repeats until a statement deletes fewer. */
  batch?: number;
}

export interface Pruned {
  outbox: number;
  queueItems: number;
}

const DEFAULT_BATCH = 5000;
/** What a serving process uses: a pass a minute, rows kept ten minutes after they finished. */
export const HOUSEKEEPING_DEFAULTS = { intervalMs: 60_000, keepMs: 10 * 60_000 } as const;

async function pruneBatch(db: Database, sql: string, cutoff: Date, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await db.query(sql, [cutoff, batch]);
    const n = res.rowCount;
    total += n;
    if (n < batch) return total;
  }
}

export async function pruneFinished(db: Database, o: PruneOptions): Promise<Pruned> {
  const cutoff = new Date(Date.now() - o.keepMs);
  const batch = o.batch ?? DEFAULT_BATCH;
  // ctid batches: no index on relayed_at / finished state is needed for a table kept this small.
  const outbox = await pruneBatch(
    db,
    `DELETE FROM outbox WHERE ctid = ANY (ARRAY(SELECT ctid FROM outbox WHERE relayed_at < $1 LIMIT $2))`,
    cutoff,
    batch,
  );
  // A done item's own row has no finish time: its task's says when it completed (a long task
  // that just finished must keep its item for a retried completion call to find).
  const queueItems = await pruneBatch(
    db,
    `DELETE FROM queue_items WHERE ctid = ANY (ARRAY(
       SELECT q.ctid FROM queue_items q JOIN tasks t ON t.id = q.task_id WHERE q.state = 'done' AND t.finished_at < $1 LIMIT $2))`,
    cutoff,
    batch,
  );
  return { outbox, queueItems };
}

export interface HousekeepingOptions extends PruneOptions {
  db: Database;
  intervalMs: number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export type Housekeeping = PeriodicJob;

export function startHousekeeping(o: HousekeepingOptions): Housekeeping {
  return startPeriodicJob({ name: 'housekeeping', intervalMs: o.intervalMs, round: () => pruneFinished(o.db, o), log: o.log });
}
