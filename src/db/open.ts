import path from 'node:path';
import type { SyntraConfig } from '../config.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPglite, pgliteWasm } from './pglite.js';
import { connectPostgres } from './postgres.js';
import { restoreSnapshot } from './snapshot.js';
import { startupStep } from '../runtime/startup-trace.js';

/**
 * Opens the database the config names (PostgreSQL server or embedded PGlite) and migrates it.
 * A new PGlite data directory starts from the build's pre-migrated snapshot (snapshot.ts).
 */
export async function openDatabase(config: Pick<SyntraConfig, 'databaseUrl' | 'dataDir' | 'databasePoolSize'> & Partial<Pick<SyntraConfig, 'pgliteSharedBuffersMb'>>): Promise<Database> {
  let db: Database;
  if (config.databaseUrl) db = connectPostgres(config.databaseUrl, { max: config.databasePoolSize });
  else {
    const dataDir = path.join(config.dataDir, 'pg');
    // Compiling while the snapshot is copied; awaited (and any failure reported) by openPglite.
    pgliteWasm().catch(() => {});
    await restoreSnapshot(dataDir);
    startupStep('snapshot restored');
    db = await openPglite({ dataDir, sharedBuffersMb: config.pgliteSharedBuffersMb });
    startupStep('PGlite open');
  }
  await migrate(db);
  startupStep('migrated');
  return db;
}
