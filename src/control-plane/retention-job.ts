import type { Database } from '../db/database.js';
import { getSnapshot } from './control-registry/index.js';
import { holdJobLease, releaseJobLease } from './job-lease.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';
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

/** One round now (what the timer does) resolves with the number of runs archived, null when another process holds the lease. */
export type RetentionJob = PeriodicJob<number | null>;

export async function retentionWindows(db: Database, defaultDays: number | undefined): Promise<RetentionWindows> {
  const policies = (await getSnapshot(db)).retentionPolicies;
  return { defaultDays: defaultDays ?? null, byScope: Object.fromEntries(Object.values(policies).map((p) => [p.namespace, p.days])) };
}

export function startRetentionJob(db: Database, o: RetentionJobOptions): RetentionJob {
  const intervalMs = o.intervalMs ?? 10 * 60_000;
  const batch = o.batch ?? 200;
  const job = startPeriodicJob({
    name: 'run retention',
    intervalMs,
    onError: o.onError,
    round: async (signal): Promise<number | null> => {
      const windows = await retentionWindows(db, o.defaultDays);
      if (windows.defaultDays === null && Object.values(windows.byScope).every((d) => d === null)) return 0;
      // The lease outlives a round's batches: renewed before each one, so a slow round keeps it.
      const hold = () => holdJobLease(db, RETENTION_LEASE, o.holder, intervalMs * 2);
      if (!(await hold())) return null;
      let archived = 0;
      for (let n = batch; n === batch && !signal.aborted && (await hold()); ) {
        n = await archiveDueRuns(db, windows, { batch });
        archived += n;
      }
      return archived;
    },
  });
  return {
    runOnce: job.runOnce,
    async stop() {
      await job.stop();
      await releaseJobLease(db, RETENTION_LEASE, o.holder).catch(() => undefined);
    },
  };
}
