import { errorMessage } from '../domain/errors.js';

/**
 * A job a serving process runs every `intervalMs`, one round at a time: the next round is timed
 * from the end of the last, so a slow round never overlaps itself. A failed round is logged and
 * the next one tries again (the database may be down for a while; nothing is lost). `stop()`
 * cancels the next round and waits for one in flight; a round that loops checks `stopped()`.
 * Used by the housekeeping and the alert follow-up; a job that must run once across replicas
 * takes a lease in its round (job-lease.ts).
 */
export interface PeriodicJob {
  stop(): Promise<void>;
}

export interface PeriodicJobOptions {
  /** Names the job in the warning a failed round logs ("housekeeping failed: …"). */
  name: string;
  intervalMs: number;
  round: (stopped: () => boolean) => Promise<unknown>;
  log?: ((level: 'info' | 'warn', message: string) => void) | undefined;
}

export function startPeriodicJob(o: PeriodicJobOptions): PeriodicJob {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = (async () => {
      try {
        await o.round(() => stopped);
      } catch (e) {
        o.log?.('warn', `${o.name} failed: ${errorMessage(e)}`);
      }
      if (!stopped) timer = setTimeout(tick, o.intervalMs);
    })();
  };
  timer = setTimeout(tick, o.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
