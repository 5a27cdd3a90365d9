import { assertSafeToBind, bootstrapAccess, bootstrapNotice } from '../access/bootstrap.js';
import { buildApp } from '../api/app.js';
import type { SyntraConfig } from '../config.js';
import { startRelay } from '../control-plane/relay.js';
import { listenApi } from './listen.js';
import { orderedShutdown, type RunningProcess } from './lifecycle.js';
import { processLog } from './process-log.js';
import { openResources } from './resources.js';

/** `syntra server`: the control API and the outbox relay; workers run as separate processes. */
export async function startServer(config: SyntraConfig): Promise<RunningProcess> {
  const { db, bus } = await openResources(config);
  const relay = startRelay({ db, bus, intervalMs: config.worker.pollIntervalMs, log: processLog(config, 'relay').line });
  const app = await buildApp({ config, db, bus });

  const stop = orderedShutdown([
    ['api', () => app.close()],
    ['relay', () => relay.stop()],
    ['bus', () => bus.close()],
    ['database', () => db.close()],
  ]);
  try {
    await assertSafeToBind(db, config.host);
    const url = await listenApi(app, config);
    process.stderr.write(bootstrapNotice(await bootstrapAccess(db, { mode: 'distributed', endpoint: url, host: config.host })));
    return { url, stop };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
