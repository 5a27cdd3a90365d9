import type { SyntraConfig } from '../config.js';
import { registerAgents, startAgents } from '../agents/index.js';
import { NOTIFY_TASK, notifyHandler } from '../integrations/notify/index.js';
import { createRegistry } from '../worker/registry.js';
import { startWorker } from '../worker/runtime.js';
import type { ShutdownStep } from './lifecycle.js';
import { processLog } from './process-log.js';
import type { Resources } from './resources.js';

/**
 * The agents and a worker that runs their tasks, as both `syntra worker` and `syntra up` start
 * them. Returns the shutdown steps in order: the worker drains its handlers before the agents go.
 */
export async function startAgentWorker(config: SyntraConfig, { db, bus }: Resources): Promise<ShutdownStep[]> {
  const agents = await startAgents(config, { db, bus }, { log: processLog(config, 'agents') });
  const worker = startWorker({ db, bus, registry: registerAgents(createRegistry(), agents.deps).register(NOTIFY_TASK, notifyHandler({ db, env: process.env, publicUrl: process.env.SYNTRA_PUBLIC_URL?.trim() || null })), ...config.worker, log: processLog(config, 'worker') });
  // Before the API of this process listens: its own task types must never be refused as unknown.
  try {
    await worker.registered;
  } catch (e) {
    await worker.stop().catch(() => {});
    await agents.stop().catch(() => {});
    throw e;
  }
  return [
    ['worker', () => worker.stop()],
    ['agents', () => agents.stop()],
  ];
}
