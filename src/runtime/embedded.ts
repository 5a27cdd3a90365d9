import { assertSafeToBind, bootstrapAccess, bootstrapNotice } from '../access/bootstrap.js';
import { buildApp } from '../api/app.js';
import type { SyntraConfig } from '../config.js';
import { startRelay } from '../control-plane/relay.js';
import { registerAgents, startAgents } from '../agents/index.js';
import { createRegistry } from '../worker/registry.js';
import { startWorker } from '../worker/runtime.js';
import { listenApi } from './listen.js';
import { orderedShutdown, type RunningProcess } from './lifecycle.js';
import { processLog } from './process-log.js';
import { openResources } from './resources.js';

/**
 * `syntra up`: API, one worker and the outbox relay in ONE process. Without DATABASE_URL the
 * database is PGlite in config.dataDir and wakeups use the in-process bus — zero setup.
 */
export async function startEmbedded(config: SyntraConfig): Promise<RunningProcess> {
  const { db, bus } = await openResources(config);
  const relay = startRelay({ db, bus, intervalMs: config.worker.pollIntervalMs, log: processLog(config, 'relay').line });
  const agents = await startAgents(config, { db, bus }, { log: processLog(config, 'agents') });
  const worker = startWorker({ db, bus, registry: registerAgents(createRegistry(), agents.deps), ...config.worker, log: processLog(config, 'worker') });
  const app = await buildApp({ config, db, bus });

  const stop = orderedShutdown([
    ['api', () => app.close()],
    ['worker', () => worker.stop()],
    ['agents', () => agents.stop()],
    ['relay', () => relay.stop()],
    ['bus', () => bus.close()],
    ['database', () => db.close()],
  ]);
  try {
    // Auth is always on: refuse a non-loopback address before anyone chose admin credentials.
    await assertSafeToBind(db, config.host);
    const url = await listenApi(app, config);
    // First start: an admin, and an admin key in the local CLI config so the CLI works at once.
    const access = await bootstrapAccess(db, { mode: 'embedded', endpoint: url, host: config.host });
    process.stderr.write(bootstrapNotice(access));
    return { url, apiKeyFile: access.cliConfig?.path, stop };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
