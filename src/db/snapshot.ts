import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, constants, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';
import { listMigrations, migrate, type Migration } from './migrate.js';

/**
 * A new embedded database starts from a snapshot: a PGlite data directory with every shipped
 * migration applied, written at build time (scripts/build-server.mjs) and copied into a new data
 * directory instead of running initdb and each migration on first start. migrate() still runs
 * after it, so migrations newer than the snapshot apply on top. Schema only: migrations create
 * tables and functions, they insert no rows, and test/db/snapshot.test.ts holds them to it (a row
 * written at build time would be the same in every installation).
 * Running from the sources there is no snapshot and a new database migrates from nothing.
 *
 * Shipped as a plain directory, not an archive: copying ~1,150 files with copyFile (the kernel
 * copies, on libuv's threads) costs ~100–200 ms of CPU where inflating the 5 MB gzipped tarball
 * into 41 MB and writing it out cost 0.6–1.4 s, most of it on the main thread (gunzip's
 * Buffer.concat), while `syntra up` needs that thread to load its modules. npm compresses the
 * packed tarball anyway; installed, the snapshot takes 41 MB instead of 5 MB.
 */
export const SNAPSHOT_DIR = fileURLToPath(new URL('./pglite-snapshot', import.meta.url));

/**
 * What the snapshot holds, written beside it: npm neither packs nor installs empty directories,
 * and PostgreSQL needs its empty ones (pg_tblspc, pg_wal/archive_status, …). It also spares a
 * walk of the tree at every first start.
 */
export interface SnapshotManifest {
  dirs: string[];
  files: string[];
}

const manifestFile = (dir: string) => `${dir}.json`;

function listTree(root: string): SnapshotManifest {
  const manifest: SnapshotManifest = { dirs: [], files: [] };
  const visit = (rel: string) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const member = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        manifest.dirs.push(member);
        visit(member);
      } else if (entry.isFile()) manifest.files.push(member);
      else throw new Error(`${path.join(root, member)} is neither a file nor a directory: it cannot be part of the snapshot`);
    }
  };
  visit('');
  return manifest;
}

/**
 * Syntra only ever opens database `postgres`: initdb's template0 and template1 (600 of the
 * snapshot's 1,145 files, 14 of its 41 MB) go, and a first start copies half the files. Nothing
 * here creates databases, which is all the templates are for.
 */
async function dropTemplateDatabases(db: Database): Promise<void> {
  await db.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
  await db.exec('DROP DATABASE template0');
  await db.exec('DROP DATABASE template1');
}

/**
 * `prepare` runs after the migrations: schema every start would otherwise create at run time (the
 * incident memory's pgvector extension, column and index: ~250 ms of a first `syntra up`).
 * The database is built on disk and shut down cleanly before it is shipped: a dump of a running
 * database (PGlite's dumpDataDir) made every first start run crash recovery — replaying the
 * build's WAL, scanning every relation for unlogged ones, a checkpoint — and rebuild the catalog
 * caches' init files that recovery deletes. Opened and closed once more, so those files
 * (pg_internal.init, invalidated by the migrations' DDL) are written and shipped.
 * Built beside `dir` and renamed into place, so an interrupted build leaves no half snapshot.
 */
export async function writeSnapshot(dir = SNAPSHOT_DIR, migrations: Migration[] = listMigrations(), prepare?: (db: Database) => Promise<unknown>): Promise<void> {
  // Imported here, at build time: a start only restores, and PGlite itself then runs on its own thread (pglite-thread.ts).
  const { openPglite } = await import('./pglite.js');
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  try {
    const db = await openPglite({ dataDir: building });
    try {
      await migrate(db, migrations);
      await prepare?.(db);
      await dropTemplateDatabases(db);
    } finally {
      await db.close();
    }
    await (await openPglite({ dataDir: building })).close();
    writeFileSync(manifestFile(dir), `${JSON.stringify(listTree(building))}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

/** A PGlite (Postgres) data directory holds a database once it has its PG_VERSION file. */
export const holdsDatabase = (dataDir: string): boolean => existsSync(path.join(dataDir, 'PG_VERSION'));

/** Files copied at once: enough to keep libuv's threads busy, few enough not to hold many descriptors. */
const COPIES_AT_ONCE = 16;

/**
 * Copies the snapshot into `dataDir` as a new PGlite data directory. Copied beside the target and
 * renamed into it, so an interrupted start never leaves a half-written database behind; the copy
 * is made inside a 0700 directory and every file made 0600 before the rename (copyFile keeps the
 * installed files' 0644). False when the directory already holds a database or no snapshot was
 * built (running from the sources: a new database then migrates from nothing).
 * `throwaway` (a database deleted at exit, `syntra demo`): the files are written through the page
 * cache instead of copied by the kernel. A kernel copy (copy_file_range) has the file system
 * allocate every block at once, and deleting them is then slow where the disk is mounted with
 * `discard` (ext4 here: 1.5–1.6 s to remove the copied 41 MB, against 0.1–0.2 s after a written copy);
 * a database that stays keeps the faster kernel copy.
 */
export async function restoreSnapshot(dataDir: string, dir = SNAPSHOT_DIR, options: { throwaway?: boolean | undefined } = {}): Promise<boolean> {
  if (holdsDatabase(dataDir) || !existsSync(manifestFile(dir))) return false;
  const { dirs, files } = JSON.parse(readFileSync(manifestFile(dir), 'utf8')) as SnapshotManifest;
  const copying = `${dataDir}.copying-${process.pid}`;
  rmSync(copying, { recursive: true, force: true });
  try {
    mkdirSync(copying, { recursive: true, mode: 0o700 });
    chmodSync(copying, 0o700);
    for (const d of dirs) mkdirSync(path.join(copying, d), { mode: 0o700 });
    let next = 0;
    const copier = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        const target = path.join(copying, file);
        if (options.throwaway) {
          await writeFile(target, await readFile(path.join(dir, file)), { mode: 0o600 });
          continue;
        }
        // A copy-on-write clone where the file system offers one (btrfs, XFS); a kernel copy elsewhere.
        await copyFile(path.join(dir, file), target, constants.COPYFILE_FICLONE);
        await chmod(target, 0o600);
      }
    };
    await Promise.all(Array.from({ length: COPIES_AT_ONCE }, copier));
    // An empty directory (made by an earlier start that stopped here) is replaced; anything else is left for PGlite to judge.
    if (existsSync(dataDir) && readdirSync(dataDir).length === 0) rmdirSync(dataDir);
    if (existsSync(dataDir)) return false;
    renameSync(copying, dataDir);
    return true;
  } finally {
    rmSync(copying, { recursive: true, force: true });
  }
}
