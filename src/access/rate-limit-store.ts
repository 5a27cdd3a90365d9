import type { Queryable } from '../db/database.js';

/**
 * Fixed-window counters. `hit` adds one request to every window of a subject and returns the
 * counts after it, in the order given. One round trip per request for all windows.
 */
export interface WindowKey {
  name: string;
  ms: number;
}

export interface RateLimitStore {
  hit(subject: string, windows: readonly WindowKey[], now: number): Promise<number[]>;
  /** Current counts without adding a request. */
  peek(subject: string, windows: readonly WindowKey[], now: number): Promise<number[]>;
}

const windowStart = (now: number, ms: number): number => Math.floor(now / ms) * ms;

/** Shared by every API replica on one database: the limits hold across replicas. */
export function createDatabaseRateLimitStore(db: Queryable, options: { sweepEveryMs?: number } = {}): RateLimitStore {
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  let lastSweep = 0;

  function sweep(now: number): void {
    if (now - lastSweep < sweepEveryMs) return;
    lastSweep = now;
    // Expired windows are garbage; losing a sweep costs nothing, so it is not awaited.
    db.query('DELETE FROM rate_limit_counters WHERE expires_at < $1', [new Date(now)]).catch(() => {});
  }

  return {
    async hit(subject, windows, now) {
      const keys = windows.map((w) => `${subject}|${w.name}`);
      const res = await db.query<{ key: string; count: number }>(
        `INSERT INTO rate_limit_counters (key, window_start, count, expires_at)
         SELECT k, w, 1, e FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS t(k, w, e)
         ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counters.count + 1
         RETURNING key, count`,
        [keys, windows.map((w) => windowStart(now, w.ms)), windows.map((w) => new Date(windowStart(now, w.ms) + w.ms))],
      );
      sweep(now);
      const counts = new Map(res.rows.map((r) => [r.key, Number(r.count)]));
      return keys.map((k) => counts.get(k) ?? 0);
    },
    async peek(subject, windows, now) {
      const keys = windows.map((w) => `${subject}|${w.name}`);
      const res = await db.query<{ key: string; count: number }>(
        `SELECT key, count FROM rate_limit_counters t
         JOIN unnest($1::text[], $2::bigint[]) AS q(k, w) ON t.key = q.k AND t.window_start = q.w`,
        [keys, windows.map((w) => windowStart(now, w.ms))],
      );
      const counts = new Map(res.rows.map((r) => [r.key, Number(r.count)]));
      return keys.map((k) => counts.get(k) ?? 0);
    },
  };
}

/** One process only (embedded mode): nothing to share, so nothing to store. */
export function createMemoryRateLimitStore(): RateLimitStore {
  const counters = new Map<string, { start: number; count: number; expires: number }>();
  let lastSweep = 0;

  const read = (key: string, start: number): number => {
    const c = counters.get(key);
    return c && c.start === start ? c.count : 0;
  };

  return {
    async hit(subject, windows, now) {
      if (now - lastSweep > 60_000) {
        lastSweep = now;
        for (const [k, c] of counters) if (c.expires <= now) counters.delete(k);
      }
      return windows.map((w) => {
        const key = `${subject}|${w.name}`;
        const start = windowStart(now, w.ms);
        const count = read(key, start) + 1;
        counters.set(key, { start, count, expires: start + w.ms });
        return count;
      });
    },
    async peek(subject, windows, now) {
      return windows.map((w) => read(`${subject}|${w.name}`, windowStart(now, w.ms)));
    },
  };
}
