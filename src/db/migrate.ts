import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Arbitrary constant shared by every Syntra process: serialises concurrent migrators.
const MIGRATION_LOCK_KEY = 7_042_031_001;

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(path.join(dir, f), 'utf8') }));
}

/**
 * Applies pending migrations in order, each in its own transaction together with its
 * bookkeeping row. A transaction-scoped advisory lock makes several processes starting at
 * once safe: the loser waits, then sees the migration recorded and skips it. Migrations already
 * recorded before the lock are skipped without it.
 */
export async function migrate(db: Database, migrations = listMigrations()): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS syntra_migrations (
    id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`).catch(async (e: unknown) => {
    // Two processes racing on CREATE TABLE IF NOT EXISTS can collide on the catalog; the table exists then.
    const exists = await db.query(`SELECT to_regclass('syntra_migrations') AS t`);
    if (!exists.rows[0]?.t) throw e;
  });
  // Every start but the first finds nothing to do: one read instead of a locked transaction per migration.
  const recorded = new Set((await db.query<{ id: number }>('SELECT id FROM syntra_migrations')).rows.map((r) => r.id));
  const applied: number[] = [];
  for (const m of migrations.filter((m) => !recorded.has(m.id))) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM syntra_migrations WHERE id = $1', [m.id]);
      if (seen.rowCount > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO syntra_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

/** For /readyz: true when every migration shipped with this build is recorded. */
export async function migrationsApplied(db: Database, migrations = listMigrations()): Promise<boolean> {
  const res = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM syntra_migrations WHERE id = ANY($1::int[])', [
    migrations.map((m) => m.id),
  ]);
  return res.rows[0]?.n === migrations.length;
}
