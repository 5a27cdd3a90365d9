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
export interface MemoryUpkeep {
  /** Runs one round now (also what the timer does); resolves with what it did. */
  runOnce(): Promise<{ reembedded: number; summarised: number }>;
  stop(): Promise<void>;
}

export function startMemoryUpkeep(
  db: Database,
  embedder: Embedder,
  options: { retentionDays: number; intervalMs?: number; batch?: number; onError?: (e: unknown) => void; firstRoundMs?: number },
): MemoryUpkeep {
  const batch = options.batch ?? 64;
  const controller = new AbortController();
  let running: Promise<{ reembedded: number; summarised: number }> | undefined;
  const round = async () => {
    let reembedded = 0;
    for (let n = batch; n === batch && !controller.signal.aborted; reembedded += n) n = await reembedStale(db, embedder, batch, controller.signal);
    const { summarised } = await summariseOldIncidents(db, { olderThanDays: options.retentionDays, batch });
    return { reembedded, summarised };
  };
  const runOnce = () => (running ??= round().finally(() => (running = undefined)));
  const tick = () => void runOnce().catch((e) => options.onError?.(e));
  const timer = setInterval(tick, options.intervalMs ?? 60_000);
  timer.unref();
  // A first round soon after start, but not during it: its statements would queue before the
  // ones a starting process waits for (the embedded database answers one statement at a time).
  const first = options.firstRoundMs === undefined ? undefined : setTimeout(tick, options.firstRoundMs);
  first?.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      controller.abort();
      await running?.catch(() => undefined);
    },
  };
}
