import type { Queryable } from '../../db/database.js';

/**
 * Which worker runs the watch: a lease row, taken when free or expired, renewed by its holder at
 * every scan. Several `syntra worker --watch` replicas scan once between them, not once each —
 * the API server's cost stays that of one watcher.
 */
export async function holdWatchLease(db: Queryable, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const res = await db.query<{ holder: string }>(
    `INSERT INTO watch_lease AS l (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3::float8 / 1000))
     ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = now() + make_interval(secs => $3::float8 / 1000)
      WHERE l.holder = $2 OR l.expires_at < now()
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return res.rows[0]?.holder === holder;
}

export async function releaseWatchLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query(`DELETE FROM watch_lease WHERE name = $1 AND holder = $2`, [name, holder]);
}
