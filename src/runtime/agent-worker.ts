import type { SyntraConfig } from '../config.js';
import { registerAgents, startAgents } from '../agents/index.js';
import { registerExecutor } from '../agents/actions/executor.js';
import { errorMessage, SyntraError } from '../domain/errors.js';
import { startRetentionJob } from '../control-plane/retention-job.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { NOTIFY_TASK, notifyHandler } from '../integrations/notify/index.js';
import { startWorkerWatch } from '../integrations/watch/index.js';
import { createRegistry, TaskHandlerRegistry } from '../worker/registry.js';
import { startWorker } from '../worker/runtime.js';
import type { ShutdownStep } from './lifecycle.js';
import { processLog } from './process-log.js';
import type { Resources } from './resources.js';

/** The Kubernetes client (some 800 modules) loads only in a process that has an executor identity to write with. */
const kubeWriter = async (kubeconfig: string) => (await import('../agents/actions/kube-writer.js')).createKubeWriter(kubeconfig);

/**
 * The agents and a worker that runs their tasks, as both `syntra worker` and `syntra up` start
 * them. Returns the shutdown steps in order: the worker drains its handlers before the agents go.
 */
export async function startAgentWorker(
  config: SyntraConfig,
  { db, bus }: Resources,
  options: { executorOnly?: boolean; claimAfter?: Promise<unknown> } = {},
): Promise<ShutdownStep[]> {
  if (options.executorOnly) return startExecutorOnly(config, { db, bus });
  const agents = await startAgents(config, { db, bus }, { log: processLog(config, 'agents') });
  const registry = registerAgents(createRegistry(), agents.deps).register(NOTIFY_TASK, notifyHandler({ db, env: process.env, publicUrl: process.env.SYNTRA_PUBLIC_URL?.trim() || null }));
  // The executor writes with its own identity, never the evidence workers' read-only one.
  if (config.executorKubeconfig) {
    if (config.executorKubeconfig === config.kubeconfig) {
      await agents.stop().catch(() => {});
      throw new SyntraError('config_invalid', 'SYNTRA_EXECUTOR_KUBECONFIG must be the executor\'s own (writing) identity, not the read-only KUBECONFIG of the evidence workers');
    }
    const writer = await kubeWriter(config.executorKubeconfig);
    registerExecutor(registry, { db, writer });
    processLog(config, 'executor').info('executor ready: approved actions can be applied', { identity: writer.description });
  }
  const { controls } = agents;
  const worker = startWorker({
    db,
    bus,
    registry,
    ...config.worker,
    log: processLog(config, 'worker'),
    controlVersion: () => controls.current().version,
    ...(options.claimAfter ? { claimAfter: options.claimAfter } : {}),
  });
  // The registry hears of a reload at once, not at the next heartbeat: operators see a change reach the workers.
  const offReload = controls.onChange(() => void worker.announce());
  // Before the API of this process listens: its own task types must never be refused as unknown.
  try {
    await worker.registered;
  } catch (e) {
    await worker.stop().catch(() => {});
    await agents.stop().catch(() => {});
    throw e;
  }
  const watchLog = processLog(config, 'watch');
  const watch = config.watch.enabled
    ? startWorkerWatch({
        db,
        // The agents' evidence clients: the same clusters, read-only identity and masking as investigations.
        sourceFor: async (cluster) => ((cluster === null ? null : await agents.deps.clusters?.forCluster(cluster)) ?? agents.deps.evidence).source,
        clusters: config.watch.clusters,
        namespace: config.watch.namespace,
        intervalMs: config.watch.intervalSeconds * 1000,
        cooldownMs: config.watch.cooldownSeconds * 1000,
        alerts: { dedupeWindowSeconds: config.alerts.dedupeWindowSeconds, maxRunsPerNotification: config.alerts.maxRunsPerNotification },
        holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        log: (level, message) => watchLog[level](message),
      })
    : null;
  const retentionLog = processLog(config, 'retention');
  const retention = startRetentionJob(db, {
    defaultDays: config.retentionDays,
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    onError: (e) => retentionLog.warn('run retention failed; retrying at the next round', { error: errorMessage(e) }),
  });
  return [
    ['retention', () => retention.stop()],
    ...(watch ? ([['watch', () => watch.stop()]] as ShutdownStep[]) : []),
    ['worker', () => (offReload(), worker.stop())],
    ['agents', () => agents.stop()],
  ];
}

/**
 * `syntra worker --executor-only`: the executor's task types and nothing else, so the writing
 * identity never runs investigations (in Kubernetes it is its own Deployment and ServiceAccount).
 */
async function startExecutorOnly(config: SyntraConfig, { db, bus }: Resources): Promise<ShutdownStep[]> {
  if (!config.executorKubeconfig) {
    throw new SyntraError('config_invalid', '--executor-only needs SYNTRA_EXECUTOR_KUBECONFIG: the kubeconfig of the executor\'s own (writing) identity');
  }
  const writer = await kubeWriter(config.executorKubeconfig);
  // Not even the built-in echo/sleep tasks: this process only applies approved actions.
  const registry = new TaskHandlerRegistry();
  registerExecutor(registry, { db, writer });
  processLog(config, 'executor').info('executor-only worker ready: approved actions can be applied', { identity: writer.description });
  const worker = startWorker({ db, bus, registry, ...config.worker, log: processLog(config, 'worker') });
  try {
    await worker.registered;
  } catch (e) {
    await worker.stop().catch(() => {});
    throw e;
  }
  return [['worker', () => worker.stop()]];
}
