import type { Bus } from '../bus/bus.js';
import { openBus } from '../bus/bus.js';
import type { SyntraConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { deferredDatabase } from '../db/deferred-database.js';
import { databaseDialect, openDatabase } from '../db/open.js';
import { vectorStorage } from '../incidents/memory/vector-storage.js';
import { processLog } from './process-log.js';
import { startupStep } from './startup-trace.js';

/** The two shared resources every process opens first: the migrated database, then the bus. */
export interface Resources {
  db: Database;
  bus: Bus;
}

/** The resources with the database still opening: `opened` settles once it is open (or rejects with why it could not be). */
export interface OpeningResources extends Resources {
  opened: Promise<void>;
}

/** The incident memory's vector storage is chosen once, at start (pgvector with HNSW where the extension exists, real[] elsewhere). */
async function chooseVectorStorage(db: Database): Promise<void> {
  await vectorStorage(db);
  startupStep('vector storage chosen');
}

/** `throwaway`: an embedded database deleted when the process ends (`syntra demo`), opened without fsync. */
export async function openResources(config: SyntraConfig, options: { throwaway?: boolean } = {}): Promise<Resources> {
  const db = await openDatabase(config, options);
  try {
    await chooseVectorStorage(db);
    const bus = await openBus(config, { log: processLog(config, 'bus').line });
    return { db, bus };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}

/**
 * The bus open and the database opening: the database handle is usable at once, its statements
 * waiting for the opening (deferred-database.ts), so a process builds what needs no database
 * meanwhile; it awaits `opened` before it serves. Closing the handle waits for the opening.
 */
export async function openResourcesEarly(config: SyntraConfig): Promise<OpeningResources> {
  const opening = openDatabase(config);
  const db = deferredDatabase(opening, databaseDialect(config));
  // On the handle everyone uses: the choice is remembered per handle.
  const opened = opening.then(() => chooseVectorStorage(db));
  opened.catch(() => {}); // the caller awaits it
  try {
    const bus = await openBus(config, { log: processLog(config, 'bus').line });
    return { db, bus, opened };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}
