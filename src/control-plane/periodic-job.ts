import { errorMessage } from '../domain/errors.js';

/**
 * A job a serving process runs every `intervalMs`, one round at a time: the next round is timed
 * from the end of the last, so a slow round never overlaps itself, and `runOnce()` during a round
 * joins it. A failed round is reported (`onError`, else a warning on `log`) and the next one tries
 * again (the database may be down for a while; nothing is lost). `stop()` cancels the next round,
 * aborts the signal a round that loops checks, and waits for one in flight. Its timers never keep
 * a process alive. A job that must run once across replicas takes a lease in its round
 * (job-lease.ts). Used by the housekeeping, the alert follow-up, run retention and the incident
 * memory's upkeep.
 */
export interface PeriodicJob<T = unknown> {
  /** Runs a round now, or joins the one running; resolves with what it did. */
  runOnce(): Promise<T>;
  stop(): Promise<void>;
}

export interface PeriodicJobOptions<T> {
  /** Names the job in the warning a failed round logs ("housekeeping failed: …"). */
  name: string;
  intervalMs: number;
  /**
   * The first round this long after start instead of one interval: soon, but not during the
   * start, whose statements would queue behind it (the embedded database answers one at a time).
   */
  firstRoundMs?: number | undefined;
  round: (signal: AbortSignal) => Promise<T>;
  onError?: ((e: unknown) => void) | undefined;
  log?: ((level: 'info' | 'warn', message: string) => void) | undefined;
}

export function startPeriodicJob<T>(o: PeriodicJobOptions<T>): PeriodicJob<T> {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T> | undefined;
  const report = o.onError ?? ((e: unknown) => o.log?.('warn', `${o.name} failed: ${errorMessage(e)}`));
  const schedule = (ms: number) => {
    if (stopping.signal.aborted) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const runOnce = () => (running ??= o.round(stopping.signal).finally(() => (running = undefined)));
  function tick(): void {
    void runOnce()
      .catch(report)
      .finally(() => schedule(o.intervalMs));
  }
  schedule(o.firstRoundMs ?? o.intervalMs);
  return {
    runOnce,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
