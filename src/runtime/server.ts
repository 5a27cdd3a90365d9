import type { SyntraConfig } from '../config.js';
import { startApiProcess } from './api-process.js';
import type { RunningProcess } from './lifecycle.js';

/** `syntra server`: the control API and the outbox relay; workers run as separate processes. */
export function startServer(config: SyntraConfig): Promise<RunningProcess> {
  return startApiProcess(config, { mode: 'distributed', withWorker: false });
}
