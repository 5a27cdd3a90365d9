import type { Queryable } from '../db/database.js';

/**
 * Which worker runs a periodic job: a lease row (table watch_lease, migration 042, named after its
 * first user), taken when free or expired, renewed by its holder at every round. Several worker
 * replicas run the job once between them, not once each: the watch scans (one lease per
 * cluster), the run retention (retention-job.ts).
 */
export async function holdJobLease(db: Queryable, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const res = await db.query<{ holder: string }>(
    `INSERT INTO watch_lease AS l (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3::float8 / 1000))
     ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = now() + make_interval(secs => $3::float8 / 1000)
      WHERE l.holder = $2 OR l.expires_at < now()
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return res.rows[0]?.holder === holder;
}

export async function releaseJobLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query(`DELETE FROM watch_lease WHERE name = $1 AND holder = $2`, [name, holder]);
}
