import type { Bus } from '../bus/bus.js';
import { openBus } from '../bus/bus.js';
import type { SyntraConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open.js';
import { vectorStorage } from '../incidents/memory/vector-storage.js';
import { processLog } from './process-log.js';
import { startupStep } from './startup-trace.js';

/** The two shared resources every process opens first: the migrated database, then the bus. */
export interface Resources {
  db: Database;
  bus: Bus;
}

export async function openResources(config: SyntraConfig): Promise<Resources> {
  const db = await openDatabase(config);
  try {
    // The incident memory's vector storage is chosen once, here (pgvector with HNSW where the extension exists, real[] elsewhere).
    await vectorStorage(db);
    startupStep('vector storage chosen');
    const bus = await openBus(config, { log: processLog(config, 'bus').line });
    return { db, bus };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}
