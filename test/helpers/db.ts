import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openPglite } from '../../src/db/pglite.js';
import { connectPostgres } from '../../src/db/postgres.js';

/**
 * A fresh, migrated database per test file, cloned from a migrated template:
 * - backend "postgres" (TEST_DATABASE_URL set, the vitest "postgres" project): CREATE DATABASE … TEMPLATE;
 * - backend "pglite" (default): a PGlite data dir dumped once per worker process and loaded per test.
 */
export type TestBackend = 'pglite' | 'postgres';

export const testBackend = (): TestBackend => (process.env.SYNTRA_TEST_DB === 'postgres' ? 'postgres' : 'pglite');

export interface TestDatabase {
  db: Database;
  /** Connection string of this file's own database (postgres backend only), for a second process or pool. */
  url: string | undefined;
  drop(): Promise<void>;
}

const migrationsHash = createHash('sha256')
  .update(listMigrations().map((m) => m.sql).join('\n'))
  .digest('hex')
  .slice(0, 12);

let pgliteTemplate: Promise<Blob> | undefined;

/**
 * The migrated template is dumped once and cached on disk by migrations hash, so the many
 * test files (each in its own worker process) load it instead of migrating again.
 */
async function loadOrBuildPgliteTemplate(): Promise<Blob> {
  const file = path.join(tmpdir(), `syntra-pglite-template-${migrationsHash}.tgz`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const tmpl = await openPglite();
    await migrate(tmpl);
    const dump = await tmpl.pglite.dumpDataDir('gzip');
    await tmpl.close();
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file); // atomic: concurrent builders each write a complete file
    return dump;
  }
}

/** The migrated PGlite template, e.g. to open it on disk: openPglite({ dataDir, loadDataDir }). */
export function pgliteTemplateDump(): Promise<Blob> {
  pgliteTemplate ??= loadOrBuildPgliteTemplate();
  return pgliteTemplate;
}

async function pgliteDb(): Promise<TestDatabase> {
  pgliteTemplate ??= loadOrBuildPgliteTemplate();
  const db = await openPglite({ loadDataDir: await pgliteTemplate });
  return { db, url: undefined, drop: () => db.close() };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let postgresTemplate: Promise<string> | undefined;

async function ensurePostgresTemplate(adminUrl: string): Promise<string> {
  const name = `syntra_tmpl_${migrationsHash}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Several vitest workers start at once: one builds the template, the others wait on the lock.
    await client.query('SELECT pg_advisory_lock(7042031002)');
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${name}`);
      const db = connectPostgres(withDatabase(adminUrl, name), { max: 1 });
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
    }
    await client.query('SELECT pg_advisory_unlock(7042031002)');
  } finally {
    await client.end();
  }
  return name;
}

async function postgresDb(adminUrl: string): Promise<TestDatabase> {
  postgresTemplate ??= ensurePostgresTemplate(adminUrl);
  const template = await postgresTemplate;
  const name = `syntra_t_${randomBytes(6).toString('hex')}`;
  // Cloning fails while another session touches the template; that is brief, so retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 50 + attempt * 25));
    }
  }
  const url = withDatabase(adminUrl, name);
  const db = connectPostgres(url);
  return {
    db,
    url,
    async drop() {
      await db.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend() === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('SYNTRA_TEST_DB=postgres needs TEST_DATABASE_URL');
    return postgresDb(url);
  }
  return pgliteDb();
}

/**
 * A fresh database for the calling describe block: created before its tests, dropped after.
 * Read `.db`/`.url` inside tests and hooks (the database does not exist before beforeAll ran).
 */
export function useTestDatabase(): TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase();
  });
  afterAll(async () => current?.drop());
  const get = (): TestDatabase => {
    if (!current) throw new Error('useTestDatabase: the database exists only inside tests and hooks');
    return current;
  };
  return {
    get db() {
      return get().db;
    },
    get url() {
      return get().url;
    },
    drop: () => get().drop(),
  };
}
