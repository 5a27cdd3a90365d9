import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listMigrations, migrationsApplied, type Migration } from '../../src/db/migrate.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { assertNoLeakedDatabases, createTestDatabase, ensurePostgresTemplate, testBackend } from '../helpers/db.js';

/**
 * The per-file test databases themselves: a test that closes its database on purpose still gets it
 * dropped, a leaked one fails loudly, and a template whose migration crashed is never cloned.
 */
const onPostgres = testBackend() === 'postgres';
const adminUrl = process.env.TEST_DATABASE_URL;

async function databasesNamed(names: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY 1', [names])).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

const nameOf = (url: string | undefined) => (url ? new URL(url).pathname.slice(1) : '');

describe('test databases', () => {
  it('closing a database twice is harmless, and drop() after a close still drops it', async () => {
    const t = await createTestDatabase();
    await t.db.close();
    await t.db.close();
    await t.drop();
    if (onPostgres) expect(await databasesNamed([nameOf(t.url)])).toEqual([]);
  });

  it.skipIf(!onPostgres)('a database left behind fails the leak check, which drops it', async () => {
    const t = await createTestDatabase();
    await expect(assertNoLeakedDatabases()).rejects.toThrow(/left behind on the server: syntra_t_/);
    expect(await databasesNamed([nameOf(t.url)])).toEqual([]);
    await t.db.close();
  });

  it.skipIf(!onPostgres)('a template whose migration crashed is never reused; an incomplete one is rebuilt', async () => {
    const name = `syntra_tmpl_check_${randomBytes(4).toString('hex')}`;
    const good: Migration[] = listMigrations().slice(0, 1);
    const crashing: Migration[] = [...good, { id: 999, name: 'crash', sql: 'SELECT 1/0' }];
    try {
      await expect(ensurePostgresTemplate(adminUrl!, crashing, name)).rejects.toThrow(/division by zero/);
      expect(await databasesNamed([name, `${name}_building`])).toEqual([]);

      // A template left incomplete (e.g. by an older harness) is detected and rebuilt.
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      expect(await ensurePostgresTemplate(adminUrl!, good, name)).toBe(name);
      const url = new URL(adminUrl!);
      url.pathname = `/${name}`;
      const db = connectPostgres(url.toString(), { max: 1 });
      try {
        expect(await migrationsApplied(db, good)).toBe(true);
      } finally {
        await db.close();
      }
    } finally {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.query(`DROP DATABASE IF EXISTS ${name}_building WITH (FORCE)`);
      await client.end();
    }
  });
});
