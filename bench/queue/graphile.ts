import { Logger, makeWorkerUtils, run, runMigrations, type Runner, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { ALL_SCENARIOS, type QueueSystem, type Tuning } from './system.js';

/**
 * graphile-worker 0.17 (LISTEN/NOTIFY wakeups). "tuned" is its documented fast path: a local
 * queue that locks a batch of jobs per fetch, and completions batched with
 * completeJobBatchDelay 0 (and failures likewise); "defaults" keeps only concurrency and pool size.
 */
const TASK = 'bench';
const PRELOAD_CHUNK = 1000;
const silent = new Logger(() => () => {});

export interface GraphileSettings {
  label: string;
  /** Local queue size; undefined → off (the default). */
  localQueueSize?: number;
  /** completeJobBatchDelay / failJobBatchDelay; undefined → -1 (the default, no batching). */
  batchDelay?: number;
  pollIntervalMs: number;
}

export async function createGraphileSystem(url: string, s: GraphileSettings, t: Tuning): Promise<QueueSystem> {
  const base = { connectionString: url, logger: silent };
  await runMigrations(base);
  const utils: WorkerUtils = await makeWorkerUtils({ ...base, preset: { worker: { maxPoolSize: t.poolSize } } });
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  let runner: Runner | undefined;

  const settings = [
    `concurrency ${t.concurrency}`,
    `maxPoolSize ${t.poolSize}`,
    `pollInterval ${s.pollIntervalMs} ms`,
    s.localQueueSize ? `localQueue.size ${s.localQueueSize}` : 'no localQueue',
    s.batchDelay !== undefined ? `completeJobBatchDelay ${s.batchDelay}, failJobBatchDelay ${s.batchDelay}` : 'completeJobBatchDelay -1',
    `preload via addJobs in batches of ${PRELOAD_CHUNK}`,
  ].join(', ');

  return {
    label: s.label,
    settings,
    scenarios: ALL_SCENARIOS,
    async preload(firstSeq, n) {
      for (let i = 0; i < n; i += PRELOAD_CHUNK) {
        const size = Math.min(PRELOAD_CHUNK, n - i);
        await utils.addJobs(Array.from({ length: size }, (_, k) => ({ identifier: TASK, payload: { seq: firstSeq + i + k } })));
      }
    },
    async startWorkers(probe) {
      runner = await run({
        ...base,
        concurrency: t.concurrency,
        noHandleSignals: true,
        pollInterval: s.pollIntervalMs,
        parsedCronItems: [],
        taskList: {
          [TASK]: async (payload) => {
            probe.started((payload as { seq: number }).seq);
          },
        },
        preset: {
          worker: {
            maxPoolSize: t.poolSize,
            ...(s.localQueueSize ? { localQueue: { size: s.localQueueSize } } : {}),
            ...(s.batchDelay !== undefined ? { completeJobBatchDelay: s.batchDelay, failJobBatchDelay: s.batchDelay } : {}),
          },
        },
      });
    },
    async stopWorkers() {
      await runner?.stop();
      runner = undefined;
    },
    async submit(seq) {
      await utils.addJob(TASK, { seq });
    },
    async pending() {
      const res = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`);
      return res.rows[0]!.n;
    },
    async analyze() {
      await admin.query('ANALYZE');
    },
    async close() {
      await runner?.stop();
      await utils.release();
      await admin.end();
    },
  };
}
