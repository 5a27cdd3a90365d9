import type { Database } from '../db/database.js';
import { getSnapshot } from './control-registry/index.js';
import { holdJobLease, releaseJobLease } from './job-lease.js';
import { archiveDueRuns, type RetentionWindows } from './run-archive.js';

/**
 * The run retention job, started in every worker process: every `intervalMs` the one process
 * holding the `run-retention` lease archives due runs batch after batch until none is left
 * (SYNTRA_RETENTION_DAYS and the per-namespace windows of the control registry, read afresh each
 * round). A failing round is logged and retried at the next; rounds of one process never overlap.
 */
export const RETENTION_LEASE = 'run-retention';

export interface RetentionJobOptions {
  /** SYNTRA_RETENTION_DAYS; undefined: keep runs forever unless a namespace says otherwise. */
  defaultDays: number | undefined;
  holder: string;
  intervalMs?: number;
  batch?: number;
  onError?: (e: unknown) => void;
}

export interface RetentionJob {
  /** One round now (what the timer does); resolves with the number of runs archived, null when another process holds the lease. */
  runOnce(): Promise<number | null>;
  stop(): Promise<void>;
}

export async function retentionWindows(db: Database, defaultDays: number | undefined): Promise<RetentionWindows> {
  const policies = (await getSnapshot(db)).retentionPolicies;
  return { defaultDays: defaultDays ?? null, byScope: Object.fromEntries(Object.values(policies).map((p) => [p.namespace, p.days])) };
}

export function startRetentionJob(db: Database, o: RetentionJobOptions): RetentionJob {
  const intervalMs = o.intervalMs ?? 10 * 60_000;
  const batch = o.batch ?? 200;
  const stopping = new AbortController();
  let running: Promise<number | null> | undefined;
  const round = async (): Promise<number | null> => {
    const windows = await retentionWindows(db, o.defaultDays);
    if (windows.defaultDays === null && Object.values(windows.byScope).every((d) => d === null)) return 0;
    // The lease outlives a round's batches: renewed before each one, so a slow round keeps it.
    const hold = () => holdJobLease(db, RETENTION_LEASE, o.holder, intervalMs * 2);
    if (!(await hold())) return null;
    let archived = 0;
    for (let n = batch; n === batch && !stopping.signal.aborted && (await hold()); ) {
      n = await archiveDueRuns(db, windows, { batch });
      archived += n;
    }
    return archived;
  };
  const runOnce = () => (running ??= round().finally(() => (running = undefined)));
  const timer = setInterval(() => void runOnce().catch((e: unknown) => o.onError?.(e)), intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await running?.catch(() => undefined);
      await releaseJobLease(db, RETENTION_LEASE, o.holder).catch(() => undefined);
    },
  };
}
