import PgBoss from 'pg-boss';
import pg from 'pg';
import { ALL_SCENARIOS, type QueueSystem, type Tuning } from './system.js';

/**
 * pg-boss 10: no LISTEN/NOTIFY, so pickup latency is bounded below by polling
 * (pollingIntervalSeconds ≥ 0.5). Throughput comes from fetching `batchSize` jobs per poll in
 * several `work()` loops; a loop that found jobs still waits out the rest of its interval.
 * Maintenance and scheduling are off so they do not compete during the measurement.
 */
const QUEUE = 'bench';
const PRELOAD_CHUNK = 1000;

export interface PgBossSettings {
  label: string;
  pollingIntervalSeconds: number;
  batchSize: number;
  loops: number;
}

export async function createPgBossSystem(url: string, s: PgBossSettings, t: Tuning): Promise<QueueSystem> {
  const boss = new PgBoss({ connectionString: url, max: t.poolSize, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue(QUEUE);
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  let workerIds: string[] = [];

  return {
    label: s.label,
    settings: `${s.loops} work() loops, batchSize ${s.batchSize}, pollingIntervalSeconds ${s.pollingIntervalSeconds}, pool ${t.poolSize}, supervise/schedule off, preload via insert() in batches of ${PRELOAD_CHUNK}`,
    scenarios: ALL_SCENARIOS,
    async preload(firstSeq, n) {
      for (let i = 0; i < n; i += PRELOAD_CHUNK) {
        const size = Math.min(PRELOAD_CHUNK, n - i);
        await boss.insert(Array.from({ length: size }, (_, k) => ({ name: QUEUE, data: { seq: firstSeq + i + k } })));
      }
    },
    async startWorkers(probe) {
      workerIds = [];
      for (let i = 0; i < s.loops; i++) {
        workerIds.push(
          await boss.work<{ seq: number }>(QUEUE, { batchSize: s.batchSize, pollingIntervalSeconds: s.pollingIntervalSeconds }, async (jobs) => {
            for (const job of jobs) probe.started(job.data.seq);
          }),
        );
      }
    },
    async stopWorkers() {
      for (const id of workerIds) await boss.offWork({ id });
      workerIds = [];
    },
    async submit(seq) {
      await boss.send(QUEUE, { seq });
    },
    async pending() {
      const res = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
        [QUEUE],
      );
      return res.rows[0]!.n;
    },
    async analyze() {
      await admin.query('ANALYZE');
    },
    async close() {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 }).catch(() => {});
      await admin.end();
    },
  };
}
