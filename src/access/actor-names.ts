import type { Queryable } from '../db/database.js';

/**
 * Who an actor id is, for people reading a change log: an API key as "owner email (key "name")",
 * a user (a session) by email. Ids that name neither (system, a worker, a deleted key) are left out.
 */
export async function actorNames(db: Queryable, actors: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(actors)].filter((a) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(a));
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  const keys = await db.query<{ id: string; name: string; email: string }>(
    `SELECT k.id::text AS id, k.name, u.email FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.id = ANY($1::uuid[])`,
    [ids],
  );
  for (const k of keys.rows) names.set(k.id, `${k.email} (key "${k.name}")`);
  const users = await db.query<{ id: string; email: string }>(`SELECT id::text AS id, email FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  for (const u of users.rows) if (!names.has(u.id)) names.set(u.id, u.email);
  return names;
}
