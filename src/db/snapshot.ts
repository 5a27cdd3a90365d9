import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';
import { listMigrations, migrate, type Migration } from './migrate.js';
import { openPglite } from './pglite.js';
import { tarGz } from './tar-gz.js';
import { untarGz } from './untar.js';

/**
 * A new embedded database starts from a snapshot: a PGlite data directory with every shipped
 * migration applied, archived as a gzipped tarball at build time (scripts/build-server.mjs) and
 * unpacked into a new data directory instead of running initdb and each migration on first start. migrate() still
 * runs after it, so migrations newer than the snapshot apply on top. Schema only: migrations
 * create tables and functions, they insert no rows, and test/db/snapshot.test.ts holds them to it
 * (a row written at build time would be the same in every installation).
 * Running from the sources there is no snapshot and a new database migrates from nothing.
 */
export const SNAPSHOT_FILE = fileURLToPath(new URL('./pglite-snapshot.tar.gz', import.meta.url));

/**
 * `prepare` runs after the migrations: schema every start would otherwise create at run time (the
 * incident memory's pgvector extension, column and index: ~250 ms of a first `syntra up`).
 * The database is built in a directory on disk and shut down cleanly before it is archived: a
 * dump of a running database (PGlite's dumpDataDir) made every first start run crash recovery —
 * replaying the build's WAL, scanning every relation for unlogged ones, a checkpoint — and
 * rebuild the catalog caches' init files that recovery deletes. Opened and closed once more, so
 * those files (pg_internal.init, invalidated by the migrations' DDL) are written and shipped.
 */
export async function writeSnapshot(file = SNAPSHOT_FILE, migrations: Migration[] = listMigrations(), prepare?: (db: Database) => Promise<unknown>): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'syntra-snapshot-'));
  try {
    const dataDir = path.join(work, 'pg');
    const db = await openPglite({ dataDir });
    try {
      await migrate(db, migrations);
      await prepare?.(db);
    } finally {
      await db.close();
    }
    await (await openPglite({ dataDir })).close();
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, await tarGz(dataDir));
    await rename(partial, file);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Puts the snapshot in place as a new PGlite data directory, unpacked natively: PGlite's own
 * `loadDataDir` unpacks through its in-memory file system, ~500 ms more than untar.ts and then
 * opening the result. Unpacked beside the target and renamed into it, so an interrupted start
 * never leaves a half-written database behind. False when the directory already holds a database or no snapshot
 * was built (running from the sources: a new database then migrates from nothing).
 */
export async function restoreSnapshot(dataDir: string, file = SNAPSHOT_FILE): Promise<boolean> {
  if (existsSync(path.join(dataDir, 'PG_VERSION')) || !existsSync(file)) return false;
  const unpacking = `${dataDir}.unpacking-${process.pid}`;
  rmSync(unpacking, { recursive: true, force: true });
  try {
    // untarGz creates every directory 0700 and file 0600: the new database is owner-only from the start.
    await untarGz(await readFile(file), unpacking);
    // An empty directory (made by an earlier start that stopped here) is replaced; anything else is left for PGlite to judge.
    if (existsSync(dataDir) && readdirSync(dataDir).length === 0) rmdirSync(dataDir);
    if (existsSync(dataDir)) return false;
    await rename(unpacking, dataDir);
    return true;
  } finally {
    rmSync(unpacking, { recursive: true, force: true });
  }
}
