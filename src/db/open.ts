import path from 'node:path';
import type { SyntraConfig } from '../config.js';
import type { Database } from './database.js';
import { openPgliteThread } from './pglite-thread.js';
import { holdsDatabase } from './snapshot.js';
import { startupStep } from '../runtime/startup-trace.js';

/**
 * Opens the database the config names (PostgreSQL server or embedded PGlite) and migrates it.
 * Embedded PGlite runs on a thread of its own (pglite-thread.ts), which also copies a new data
 * directory from the build's pre-migrated snapshot (snapshot.ts) and migrates it there.
 */
/** Which database openDatabase opens for the config: a PostgreSQL server when it has a URL, else embedded PGlite. */
export const databaseDialect = (config: Pick<SyntraConfig, 'databaseUrl'>): Database['dialect'] => (config.databaseUrl ? 'postgres' : 'pglite');

/** Where embedded PGlite keeps its database inside the data directory. */
const pgliteDir = (dataDir: string): string => path.join(dataDir, 'pg');

/** Embedded mode, and the data directory holds no database yet: this start creates it (empty of rows: snapshot.ts). */
export const createsEmbeddedDatabase = (config: Pick<SyntraConfig, 'databaseUrl' | 'dataDir'>): boolean =>
  !config.databaseUrl && !holdsDatabase(pgliteDir(config.dataDir));

export async function openDatabase(
  config: Pick<SyntraConfig, 'databaseUrl' | 'dataDir' | 'databasePoolSize'> & Partial<Pick<SyntraConfig, 'pgliteSharedBuffersMb'>>,
  options: { throwaway?: boolean } = {},
): Promise<Database> {
  if (!config.databaseUrl) {
    const db = await openPgliteThread({ dataDir: pgliteDir(config.dataDir), sharedBuffersMb: config.pgliteSharedBuffersMb, throwaway: options.throwaway });
    startupStep('database open and migrated');
    return db;
  }
  // Loaded on use: an embedded start reaches its database thread without the PostgreSQL driver.
  const [{ connectPostgres }, { migrate }] = await Promise.all([import('./postgres.js'), import('./migrate.js')]);
  const db = connectPostgres(config.databaseUrl, { max: config.databasePoolSize });
  await migrate(db);
  startupStep('migrated');
  return db;
}
