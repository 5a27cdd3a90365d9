import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listMigrations, migrate, type Migration } from './migrate.js';
import { openPglite } from './pglite.js';

/**
 * A new embedded database starts from a snapshot: a PGlite data directory with every shipped
 * migration applied, dumped to a gzipped tarball at build time (scripts/build-server.mjs) and
 * loaded by PGlite instead of running initdb and each migration on first start. migrate() still
 * runs after it, so migrations newer than the snapshot apply on top. Schema only: migrations
 * create tables and functions, they insert no rows, and test/db/snapshot.test.ts holds them to it
 * (a row written at build time would be the same in every installation).
 * Running from the sources there is no snapshot and a new database migrates from nothing.
 */
export const SNAPSHOT_FILE = fileURLToPath(new URL('./pglite-snapshot.tar.gz', import.meta.url));

export async function writeSnapshot(file = SNAPSHOT_FILE, migrations: Migration[] = listMigrations()): Promise<void> {
  const db = await openPglite();
  try {
    await migrate(db, migrations);
    const dump = await db.pglite.dumpDataDir('gzip');
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await db.close();
  }
}

/** The snapshot to start a PGlite data directory from, or undefined when it already holds a database (or no snapshot was built). */
export async function snapshotFor(dataDir: string, file = SNAPSHOT_FILE): Promise<Blob | undefined> {
  if (existsSync(path.join(dataDir, 'PG_VERSION')) || !existsSync(file)) return undefined;
  return new Blob([await readFile(file)]);
}
