import type { SyntraConfig } from '../config.js';
import { redactDeep } from '../domain/secrets/index.js';
import type { WorkerLog } from '../worker/registry.js';

/**
 * Log lines of the background parts of a process (worker, relay, bus) on stderr, filtered by
 * SYNTRA_LOG_LEVEL, as one JSON object per line so they read well in a terminal and in a log
 * collector alike. The API logs through Fastify's own logger at the same level. Messages and
 * fields pass through the redactor: an error message can quote what a task carried.
 */
const RANK = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

export interface ProcessLog extends WorkerLog {
  /** The (level, message) shape the relay and the bus take. */
  line(level: 'info' | 'warn', message: string): void;
}

export function processLog(config: Pick<SyntraConfig, 'logLevel'>, component: string): ProcessLog {
  const threshold = RANK[config.logLevel];
  const write = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < threshold) return;
    const safe = redactDeep({ message, ...fields }).value;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, component, ...safe })}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    line: (level, m) => write(level, m),
  };
}
