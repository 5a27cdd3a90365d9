import type { Queryable } from '../db/database.js';
import { QUEUE_STATES, type QueueState } from './types.js';

export interface QueueStats {
  byState: Record<QueueState, number>;
  /** Age of the oldest item that is due and not yet claimed; 0 when none waits. */
  oldestAvailableAgeSeconds: number;
}

/** Read from the database at scrape time, so every replica reports the same truth. */
export async function queueStats(db: Queryable): Promise<QueueStats> {
  const [states, oldest] = await Promise.all([
    db.query<{ state: QueueState; n: number }>(`SELECT state, count(*)::int AS n FROM queue_items GROUP BY state`),
    db.query<{ age: number | null }>(
      `SELECT extract(epoch FROM now() - min(available_at))::float8 AS age
         FROM queue_items WHERE state = 'available' AND available_at <= now()`,
    ),
  ]);
  const byState = Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as Record<QueueState, number>;
  for (const r of states.rows) byState[r.state] = Number(r.n);
  return { byState, oldestAvailableAgeSeconds: Math.max(0, Number(oldest.rows[0]?.age ?? 0)) };
}
