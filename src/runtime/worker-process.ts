import type { SyntraConfig } from '../config.js';
import { registerAgents, startAgents } from '../agents/index.js';
import { createRegistry } from '../worker/registry.js';
import { startWorker } from '../worker/runtime.js';
import { orderedShutdown, type RunningProcess } from './lifecycle.js';
import { processLog } from './process-log.js';
import { openResources } from './resources.js';

/** `syntra worker`: claims and runs tasks; stopping drains in-flight handlers within the grace period. */
export async function startWorkerProcess(config: SyntraConfig): Promise<RunningProcess> {
  const { db, bus } = await openResources(config);
  const agents = await startAgents(config, { db, bus }, { log: processLog(config, 'agents') });
  const worker = startWorker({ db, bus, registry: registerAgents(createRegistry(), agents.deps), ...config.worker, log: processLog(config, 'worker') });
  const stop = orderedShutdown([
    ['worker', () => worker.stop()],
    ['agents', () => agents.stop()],
    ['bus', () => bus.close()],
    ['database', () => db.close()],
  ]);
  return { url: undefined, stop };
}
