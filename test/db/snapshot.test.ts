import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openPglite } from '../../src/db/pglite.js';
import { restoreSnapshot, writeSnapshot } from '../../src/db/snapshot.js';
import { pgliteTemplateDump } from '../helpers/db.js';

/** The pre-migrated PGlite snapshot a new embedded database starts from (src/db/snapshot.ts). */
const work = mkdtempSync(path.join(tmpdir(), 'syntra-snapshot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('PGlite snapshot', () => {
  it('writeSnapshot dumps a migrated database that a new data dir is restored from; later migrations apply on top', async () => {
    const all = listMigrations();
    const file = path.join(work, 'first-only');
    // A snapshot built when only the first migration existed (cheap to build here).
    await writeSnapshot(file, all.slice(0, 1));
    const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { dirs: string[]; files: string[] };
    // Installed from a package its files are 0644 and its empty directories are gone (npm keeps neither).
    for (const f of manifest.files) chmodSync(path.join(file, f), 0o644);
    rmSync(path.join(file, 'pg_tblspc'), { recursive: true });
    expect(manifest.dirs).toContain('pg_tblspc');
    const dataDir = path.join(work, 'pg');
    expect(await restoreSnapshot(dataDir, file)).toBe(true);
    // Owner-only, like every embedded database, and nothing left beside it.
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    for (const f of manifest.files) expect(statSync(path.join(dataDir, f)).mode & 0o077, f).toBe(0);
    expect(existsSync(path.join(dataDir, 'pg_tblspc'))).toBe(true);
    expect(readdirSync(work).filter((n) => n.includes('copying') || n.includes('building'))).toEqual([]);
    // Shut down cleanly before it was archived (pg_control's state, DB_SHUTDOWNED = 1): a first start runs no crash recovery.
    expect(readFileSync(path.join(dataDir, 'global', 'pg_control')).readUInt32LE(16)).toBe(1);
    const db = await openPglite({ dataDir });
    try {
      expect((await db.query<{ id: number }>('SELECT id FROM syntra_migrations')).rows.map((r) => r.id)).toEqual([all[0]!.id]);
      // Only the database Syntra opens: initdb's templates are not shipped.
      expect((await db.query<{ datname: string }>('SELECT datname FROM pg_database')).rows).toEqual([{ datname: 'postgres' }]);
      // The next migration (every later one alike) applies on top; the snapshot's is skipped.
      expect(await migrate(db, all.slice(0, 2))).toEqual([all[1]!.id]);
      expect(await migrate(db, all.slice(0, 2))).toEqual([]);
      await db.query(`CREATE TABLE kept (v text)`);
      await db.query(`INSERT INTO kept VALUES ('mine')`);
    } finally {
      await db.close();
    }
    // The data dir now holds a database: the snapshot never replaces it.
    expect(await restoreSnapshot(dataDir, file)).toBe(false);
    const again = await openPglite({ dataDir });
    try {
      expect((await again.query<{ v: string }>('SELECT v FROM kept')).rows).toEqual([{ v: 'mine' }]);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('a throwaway restore (syntra demo) writes the same files, owner-only, and opens without fsync', async () => {
    const file = path.join(work, 'first-only');
    const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { files: string[] };
    const dataDir = path.join(work, 'throwaway');
    expect(await restoreSnapshot(dataDir, file, { throwaway: true })).toBe(true);
    for (const f of manifest.files) {
      expect(statSync(path.join(dataDir, f)).mode & 0o077, f).toBe(0);
      expect(readFileSync(path.join(dataDir, f)).equals(readFileSync(path.join(file, f))), f).toBe(true);
    }
    const db = await openPglite({ dataDir, throwaway: true });
    try {
      expect((await db.query<{ fsync: string }>('SHOW fsync')).rows).toEqual([{ fsync: 'off' }]);
      expect((await db.query('SELECT id FROM syntra_migrations')).rows).toHaveLength(1);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('a directory still being filled with the snapshot is opened once it is filled: Postgres never sees it half-copied or empty', async () => {
    const file = path.join(work, 'first-only');
    const dataDir = path.join(work, 'filled-late');
    let filled = false;
    // The copy finishes well after PGlite would have looked at the directory (and run initdb in an empty one).
    const filling = new Promise((resolve) => setTimeout(resolve, 1500)).then(async () => {
      const restored = await restoreSnapshot(dataDir, file);
      filled = true;
      return restored;
    });
    const db = await openPglite({ dataDir, filling });
    try {
      expect(filled).toBe(true);
      // The snapshot's database, not a new one initdb made.
      expect((await db.query('SELECT id FROM syntra_migrations')).rows).toHaveLength(1);
      expect((await db.query<{ datname: string }>('SELECT datname FROM pg_database')).rows).toEqual([{ datname: 'postgres' }]);
    } finally {
      await db.close();
    }
    expect(statSync(dataDir).mode & 0o077).toBe(0);
  }, 60_000);

  it('a fill that fails fails the open with its own error, and leaves no database behind', async () => {
    const dataDir = path.join(work, 'fill-failed');
    const filling = new Promise((_, reject) => setTimeout(() => reject(new Error('disk full while copying the snapshot')), 300));
    await expect(openPglite({ dataDir, filling })).rejects.toThrow('disk full while copying the snapshot');
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);
  }, 60_000);

  it('leaves a directory that holds something else alone', async () => {
    const file = path.join(work, 'first-only');
    const dataDir = path.join(work, 'occupied');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'notes.txt'), 'not a database');
    expect(await restoreSnapshot(dataDir, file)).toBe(false);
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
    expect(existsSync(`${dataDir}.copying-${process.pid}`)).toBe(false);
  }, 60_000);

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
    expect(await restoreSnapshot(dataDir, path.join(work, 'no-such-snapshot'))).toBe(false);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
