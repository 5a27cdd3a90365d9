import type { SyntraConfig } from '../config.js';
import { startApiProcess } from './api-process.js';
import type { RunningProcess } from './lifecycle.js';

/**
 * `syntra up`: API, one worker and the outbox relay in ONE process. Without DATABASE_URL the
 * database is PGlite in config.dataDir and wakeups use the in-process bus — zero setup.
 */
export function startEmbedded(config: SyntraConfig): Promise<RunningProcess> {
  return startApiProcess(config, { mode: 'embedded', withWorker: true });
}
