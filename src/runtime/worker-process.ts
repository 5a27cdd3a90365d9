import type { SyntraConfig } from '../config.js';
import { startAgentWorker } from './agent-worker.js';
import { orderedShutdown, type RunningProcess, type ShutdownStep } from './lifecycle.js';
import { startMetricsServer } from './metrics-server.js';
import { openResources } from './resources.js';
import { startTracing } from '../telemetry/tracing.js';

export interface WorkerProcessOptions {
  /** Only the executor's task types (the writing identity runs nothing else). */
  executorOnly?: boolean;
  /** Serve this process's counters on GET /metrics at this port (0: any free one). */
  metricsPort?: number | undefined;
}

/** `syntra worker`: claims and runs tasks; stopping drains in-flight handlers within the grace period. */
export async function startWorkerProcess(config: SyntraConfig, options: WorkerProcessOptions = {}): Promise<RunningProcess & { metricsUrl?: string }> {
  const resources = await openResources(config);
  const stopTracing = await startTracing(options.executorOnly ? 'syntra-executor' : 'syntra-worker');
  const steps: ShutdownStep[] = [
    ['bus', () => resources.bus.close()],
    ['database', () => resources.db.close()],
    ['tracing', stopTracing],
  ];
  const stop = orderedShutdown(steps);
  try {
    steps.unshift(...(await startAgentWorker(config, resources, options)));
    if (options.metricsPort === undefined) return { url: undefined, stop };
    const metrics = await startMetricsServer(config.host, options.metricsPort);
    steps.push(['metrics', metrics.stop]);
    return { url: undefined, stop, metricsUrl: metrics.url };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
