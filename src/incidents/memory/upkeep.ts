import { startPeriodicJob, type PeriodicJob } from '../../control-plane/periodic-job.js';
import type { Database } from '../../db/database.js';
import type { Embedder } from './embedder.js';
import { reembedStale } from './reembed.js';
import { summariseOldIncidents } from './retention.js';

/**
 * The memory's background upkeep, in every worker process: every `intervalMs`, re-embeds stale
 * vectors (another model configured, an endpoint that was down, weights learned from far fewer
 * incidents: reembed.ts) until none is left, and summarises incidents past the retention age
 * (retention.ts). A failing round (endpoint down, database away) is logged and retried next time;
 * it never stops the worker. Rounds never overlap.
 */
export type MemoryUpkeep = PeriodicJob<{ reembedded: number; summarised: number }>;

export function startMemoryUpkeep(
  db: Database,
  embedder: Embedder,
  options: { retentionDays: number; intervalMs?: number; batch?: number; onError?: (e: unknown) => void; firstRoundMs?: number },
): MemoryUpkeep {
  const batch = options.batch ?? 64;
  return startPeriodicJob({
    name: 'incident memory upkeep',
    intervalMs: options.intervalMs ?? 60_000,
    firstRoundMs: options.firstRoundMs,
    onError: options.onError,
    round: async (signal) => {
      let reembedded = 0;
      for (let n = batch; n === batch && !signal.aborted; reembedded += n) n = await reembedStale(db, embedder, batch, signal);
      const { summarised } = await summariseOldIncidents(db, { olderThanDays: options.retentionDays, batch });
      return { reembedded, summarised };
    },
  });
}
