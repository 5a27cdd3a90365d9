import type { Queryable } from '../db/database.js';
import { SILENT_AFTER_SECONDS, type WorkerStatus } from './workers.js';

export interface WorkerStats {
  byStatus: Record<WorkerStatus, number>;
  /** Seconds since the newest heartbeat of a worker that has not stopped; undefined when there is none. */
  newestHeartbeatAgeSeconds: number | undefined;
}

/** The worker registry summed up at scrape time (the "no worker heartbeats" alert reads it). */
export async function workerStats(db: Queryable): Promise<WorkerStats> {
  const res = await db.query<{ live: number; silent: number; stopped: number; age: number | null }>(
    `SELECT count(*) FILTER (WHERE stopped_at IS NULL AND last_seen_at >= now() - make_interval(secs => $1))::int AS live,
            count(*) FILTER (WHERE stopped_at IS NULL AND last_seen_at < now() - make_interval(secs => $1))::int AS silent,
            count(*) FILTER (WHERE stopped_at IS NOT NULL)::int AS stopped,
            extract(epoch FROM now() - max(last_seen_at) FILTER (WHERE stopped_at IS NULL))::float8 AS age
       FROM workers`,
    [SILENT_AFTER_SECONDS],
  );
  const r = res.rows[0]!;
  return {
    byStatus: { live: Number(r.live), silent: Number(r.silent), stopped: Number(r.stopped) },
    newestHeartbeatAgeSeconds: r.age === null ? undefined : Math.max(0, Number(r.age)),
  };
}
