import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate, migrationsApplied, type Migration } from '../../src/db/migrate.js';
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

const migrationsHash = templateName(listMigrations()).slice('syntra_tmpl_'.length);

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
const TEMPLATE_LOCK = 7042031002;

/**
 * The migrated template database, built once per migrations hash. It is built under a temporary
 * name and renamed only once every migration succeeded, so a build that crashed half-way never
 * becomes the template; a template whose migrations are incomplete anyway is rebuilt.
 */
export async function ensurePostgresTemplate(adminUrl: string, migrations: Migration[] = listMigrations(), name = templateName(migrations)): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Several vitest workers start at once: one builds the template, the others wait on the lock.
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    if (exists && (await isComplete(withDatabase(adminUrl, name), migrations))) return name;
    if (exists) await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
    const building = `${name}_building`;
    await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${building}`);
    try {
      const db = connectPostgres(withDatabase(adminUrl, building), { max: 1 });
      try {
        await migrate(db, migrations);
      } finally {
        await db.close();
      }
    } catch (e) {
      await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      throw e;
    }
    await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return name;
  } finally {
    // Ending the session releases the advisory lock too, also when the build failed.
    await client.end();
  }
}

function templateName(migrations: Migration[]): string {
  // Ids and names too: a renumbered migration is recorded under its new id, so a template migrated
  // under the old one is stale although no SQL changed.
  const hash = createHash('sha256').update(migrations.map((m) => `${m.id} ${m.name}\n${m.sql}`).join('\n')).digest('hex').slice(0, 12);
  return `syntra_tmpl_${hash}`;
}

async function isComplete(url: string, migrations: Migration[]): Promise<boolean> {
  const db = connectPostgres(url, { max: 1 });
  try {
    return await migrationsApplied(db, migrations);
  } catch {
    return false; // no bookkeeping table at all
  } finally {
    await db.close();
  }
}

/**
 * Databases this test file created on the server, so the leak check (leak-check.ts, after every
 * file) can tell a database that was never dropped — or whose drop failed — and fail the file.
 */
const createdOnServer = new Set<string>();
let serverAdminUrl: string | undefined;

/** Drops and reports every database this file created and left behind; throws when there was one. */
export async function assertNoLeakedDatabases(): Promise<void> {
  if (createdOnServer.size === 0 || !serverAdminUrl) return;
  const names = [...createdOnServer];
  createdOnServer.clear();
  const client = new pg.Client({ connectionString: serverAdminUrl });
  await client.connect();
  try {
    const left = (await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names])).rows.map((r) => r.datname);
    for (const name of left) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    if (left.length > 0) {
      throw new Error(`test database(s) left behind on the server: ${left.join(', ')} — a TestDatabase was not dropped, or its drop() failed (now dropped by the leak check)`);
    }
  } finally {
    await client.end();
  }
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
  createdOnServer.add(name);
  serverAdminUrl = adminUrl;
  const url = withDatabase(adminUrl, name);
  const db = connectPostgres(url);
  return {
    db,
    url,
    async drop() {
      // close() is idempotent: a test that closed the database on purpose still gets it dropped.
      await db.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      createdOnServer.delete(name);
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
