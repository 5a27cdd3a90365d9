import type { SyntraConfig } from '../config.js';
import { startAgentWorker } from './agent-worker.js';
import { orderedShutdown, type RunningProcess } from './lifecycle.js';
import { openResources } from './resources.js';
import { startTracing } from '../telemetry/tracing.js';

/** `syntra worker`: claims and runs tasks; stopping drains in-flight handlers within the grace period. */
export async function startWorkerProcess(config: SyntraConfig, options: { executorOnly?: boolean } = {}): Promise<RunningProcess> {
  const resources = await openResources(config);
  const stopTracing = await startTracing(options.executorOnly ? 'syntra-executor' : 'syntra-worker');
  const stop = orderedShutdown([
    ...(await startAgentWorker(config, resources, options)),
    ['bus', () => resources.bus.close()],
    ['database', () => resources.db.close()],
    ['tracing', stopTracing],
  ]);
  return { url: undefined, stop };
}
