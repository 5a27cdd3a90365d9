import path from 'node:path';
import type { SyntraConfig } from '../config.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { connectPostgres } from './postgres.js';

/** Opens the database the config names (PostgreSQL server or embedded PGlite) and migrates it. */
export async function openDatabase(config: Pick<SyntraConfig, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  const db = config.databaseUrl
    ? connectPostgres(config.databaseUrl)
    : await openPglite({ dataDir: path.join(config.dataDir, 'pg') });
  await migrate(db);
  return db;
}
