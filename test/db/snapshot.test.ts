import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openPglite } from '../../src/db/pglite.js';
import { snapshotFor, writeSnapshot } from '../../src/db/snapshot.js';
import { pgliteTemplateDump } from '../helpers/db.js';

/** The pre-migrated PGlite snapshot a new embedded database starts from (src/db/snapshot.ts). */
const work = mkdtempSync(path.join(tmpdir(), 'syntra-snapshot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('PGlite snapshot', () => {
  it('writeSnapshot dumps a migrated database that a new data dir loads; later migrations apply on top', async () => {
    const all = listMigrations();
    const file = path.join(work, 'first-only.tar.gz');
    // A snapshot built when only the first migration existed (cheap to build here).
    await writeSnapshot(file, all.slice(0, 1));
    const dataDir = path.join(work, 'pg');
    const snapshot = await snapshotFor(dataDir, file);
    expect(snapshot).toBeInstanceOf(Blob);
    const db = await openPglite({ dataDir, loadDataDir: snapshot! });
    try {
      expect((await db.query<{ id: number }>('SELECT id FROM syntra_migrations')).rows.map((r) => r.id)).toEqual([all[0]!.id]);
      // The next migration (every later one alike) applies on top; the snapshot's is skipped.
      expect(await migrate(db, all.slice(0, 2))).toEqual([all[1]!.id]);
    } finally {
      await db.close();
    }
    // The data dir now holds a database: the snapshot never replaces it.
    expect(await snapshotFor(dataDir, file)).toBeUndefined();
  }, 120_000);

  it('a snapshot of every migration holds schema only: no table has a row but the migration records', async () => {
    // The fully migrated template the test helpers cache: the same dump writeSnapshot makes.
    const db = await openPglite({ loadDataDir: await pgliteTemplateDump() });
    try {
      const tables = await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'syntra_migrations'`);
      expect(tables.rows.length).toBeGreaterThan(5);
      const filled: string[] = [];
      for (const { name } of tables.rows) {
        const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`);
        if (n.rows[0]!.n > 0) filled.push(name);
      }
      // A row written at build time would be the same in every installation (ids, keys, secrets).
      expect(filled).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('without a built snapshot (running from the sources) a new data dir gets none', async () => {
    const dataDir = path.join(work, 'fresh');
    mkdirSync(dataDir);
    expect(await snapshotFor(dataDir, path.join(work, 'no-such-snapshot.tar.gz'))).toBeUndefined();
  });
});
