import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectPostgres } from '../src/db/postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { Database } from '../src/db/database.js';
import { createTestKey } from '../test/access/admin-key.js';
import type { Benchmark } from './lib/benchmark.js';
import { DEFAULT_SERVER_URL, dropDatabase, recreateDatabase, serverVersion } from './lib/databases.js';
import { upsertSection } from './lib/markdown-section.js';
import { runConcurrently, sleep } from './lib/timing.js';
import { coresBetween, snapshotCpu } from './scale/cpu.js';
import { startReplica, type Replica } from './scale/processes.js';

/**
 * Scale-out: two `syntra server` replicas and 1, 2, 4 `syntra worker` replicas as processes on
 * one PostgreSQL database and NATS, running the built-in `sleep` task (50 ms: I/O-bound, like a
 * model call). Each step submits a backlog through both API replicas (no worker running), then
 * starts its workers and measures completions from the moment all of them are ready until the
 * backlog is drained, from the tasks' own finish times. CPU per process group and PostgreSQL
 * commits per second say what limits it.
 */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
const DB_NAME = 'syntra_bench_scale';
const SUBMIT_PARALLEL = 16;

interface Step {
  workers: number;
  tasks: number;
  submitPerSecond: number;
  measured: number;
  perSecond: number;
  commitsPerSecond: number;
  cores: Record<string, number>;
  load: number;
}

async function commits(db: Database): Promise<number> {
  const res = await db.query<{ n: number }>(`SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()`);
  return res.rows[0]!.n;
}

/** The PostgreSQL backends serving this database (the replicas' pools and this harness). */
async function backendPids(db: Database): Promise<number[]> {
  return (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).rows.map((r) => r.pid);
}

async function backlog(db: Database): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_items WHERE state IN ('available', 'leased')`)).rows[0]!.n;
}

async function submitBacklog(apis: string[], auth: Record<string, string>, n: number, ms: number): Promise<number> {
  const started = Date.now();
  await runConcurrently(n, SUBMIT_PARALLEL, async (i) => {
    const res = await fetch(`${apis[i % apis.length]}/v1/commands/submit`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'sleep', input: { ms } }),
    });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  });
  return n / ((Date.now() - started) / 1000);
}

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(steps: readonly Step[], concurrency: number, sleepMs: number): string {
  const ideal = (w: number) => (w * concurrency * 1000) / sleepMs;
  return [
    '| workers | tasks measured | completed/s | ideal (workers × concurrency / 50 ms) | per worker | PG commits/s | cores: workers | API | PG backends of this database | all PostgreSQL | machine (of 2) | load |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...steps.map(
      (s) =>
        `| ${s.workers} | ${fmt(s.measured)} | **${fmt(s.perSecond)}** | ${fmt(ideal(s.workers))} | ${fmt(s.perSecond / s.workers)} | ${fmt(s.commitsPerSecond)} | ${fmt(s.cores.workers!, 2)} | ${fmt(
          s.cores.api!,
          2,
        )} | ${fmt(s.cores.database!, 2)} | ${fmt(s.cores.postgres!, 2)} | ${fmt(s.cores.machine!, 2)} | ${s.load.toFixed(1)} |`,
    ),
  ].join('\n');
}

export const benchmark: Benchmark = {
  description: 'scale-out: 2 API + 1/2/4 worker processes on one PostgreSQL and NATS, 50 ms sleep tasks',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        workers: { type: 'string', default: '1,2,4' },
        concurrency: { type: 'string', default: '8' },
        'tasks-per-worker': { type: 'string', default: '1500' },
        'sleep-ms': { type: 'string', default: '50' },
        'no-docs': { type: 'boolean', default: false },
      },
    });
    const counts = values.workers.split(',').map(Number);
    const concurrency = Number(values.concurrency);
    const perWorker = Number(values['tasks-per-worker']);
    const sleepMs = Number(values['sleep-ms']);
    if (counts.some((n) => !(n >= 1)) || !(concurrency >= 1) || !(perWorker >= 1) || !(sleepMs >= 0)) {
      console.error('usage: npm run bench -- scale [--workers 1,2,4] [--concurrency 8] [--tasks-per-worker 1500] [--sleep-ms 50]');
      return 2;
    }
    const serverUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL;
    const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const version = await serverVersion(serverUrl);
    const url = await recreateDatabase(serverUrl, DB_NAME);
    const db = connectPostgres(url, { max: 2 });
    await migrate(db);
    const auth = (await createTestKey(db)).headers;
    const env = {
      DATABASE_URL: url,
      NATS_URL: natsUrl,
      SYNTRA_PORT: '0',
      SYNTRA_WORKER_CONCURRENCY: String(concurrency),
      // One load generator with one key: its request budget is not what this measures.
      SYNTRA_RATE_LIMIT_PER_MINUTE: '1000000',
      SYNTRA_RATE_LIMIT_PER_HOUR: '100000000',
      SYNTRA_LOG_LEVEL: 'error',
      SYNTRA_MASTER_KEY: 'the scale bench master key, 32 characters or more',
    };
    const apis: Replica[] = [1, 2].map((i) => startReplica(`api ${i}`, ['server'], env, /listening: (http:\/\/\S+)/));
    const workers: Replica[] = [];
    const steps: Step[] = [];
    try {
      const bases = await Promise.all(apis.map((a) => a.ready));
      // A submit names a kind some worker has announced: one worker starts once to announce `sleep`.
      const announcer = startReplica('announcing worker', ['worker'], env, /(Syntra worker running)/);
      await announcer.ready;
      await announcer.stop();
      console.log(`scale-out — ${version}; Node ${process.version}; ${os.cpus().length} cores; API replicas ${bases.join(', ')}`);
      for (const n of counts) {
        const tasks = perWorker * n;
        const submitPerSecond = await submitBacklog(bases, auth, tasks, sleepMs);
        // This machine's shared server runs with autovacuum off: analyze the loaded tables as
        // autovacuum would, or the queue functions' plans are chosen on empty-table guesses.
        await db.query('ANALYZE');
        const started = Array.from({ length: n }, (_, i) => startReplica(`worker ${i + 1}`, ['worker'], env, /(Syntra worker running)/));
        workers.push(...started);
        await Promise.all(started.map((w) => w.ready));
        // Measured from here: every worker claims; what finished before (a fast starter) is left out.
        const readyAt = new Date();
        const groups = async () => ({ workers: started.map((w) => w.pid), api: apis.map((a) => a.pid), database: await backendPids(db) });
        const cpu0 = snapshotCpu(await groups());
        const commits0 = await commits(db);
        while ((await backlog(db)) > 0) await sleep(250);
        const cpu1 = snapshotCpu(await groups());
        const commits1 = await commits(db);
        const done = await db.query<{ n: number; span: number }>(
          `SELECT count(*)::int AS n, extract(epoch FROM max(finished_at) - $1::timestamptz)::float8 AS span FROM tasks WHERE finished_at >= $1`,
          [readyAt],
        );
        const { n: measured, span } = done.rows[0]!;
        const step: Step = {
          workers: n,
          tasks,
          submitPerSecond,
          measured,
          perSecond: measured / span,
          commitsPerSecond: (commits1 - commits0) / ((cpu1.at - cpu0.at) / 1000),
          cores: coresBetween(cpu0, cpu1),
          load: os.loadavg()[0]!,
        };
        steps.push(step);
        console.log(
          `${n} worker(s): submitted ${tasks} at ${fmt(submitPerSecond)}/s through 2 APIs; measured ${measured} in ${span.toFixed(1)} s = ${fmt(step.perSecond)} completed/s; ` +
            `PG commits/s ${fmt(step.commitsPerSecond)}; cores ${Object.entries(step.cores)
              .map(([k, v]) => `${k} ${v.toFixed(2)}`)
              .join(', ')}; load ${step.load.toFixed(1)}`,
        );
        await Promise.all(started.map((w) => w.stop()));
      }
    } finally {
      await Promise.all([...workers, ...apis].map((r) => r.stop()));
      await db.close();
      await dropDatabase(serverUrl, DB_NAME);
    }
    const command = `npm run bench -- scale --workers ${counts.join(',')} --concurrency ${concurrency} --tasks-per-worker ${perWorker} --sleep-ms ${sleepMs}`;
    const submit = steps.map((s) => fmt(s.submitPerSecond)).join(', ');
    const body = [
      `Command: \`npm run build && flock /work/bench.lock ${command}\` (NATS at \`NATS_URL\`). Measured ${new Date().toISOString().slice(0, 16)} UTC on`,
      `${version} and nats-server, all on one machine: ${os.cpus().length} cores, Node ${process.version}, shared with other work (1-minute load average per row).`,
      `Processes: 2 × \`syntra server\` (API + outbox relay), N × \`syntra worker\` (\`SYNTRA_WORKER_CONCURRENCY=${concurrency}\`), the built \`bin/syntra.js\`;`,
      `tasks are the built-in \`sleep\` task with \`ms: ${sleepMs}\`. Each row: ${perWorker} × N runs submitted through both API replicas first`,
      `and the database analyzed (the shared server runs with autovacuum off),`,
      `(${submit} submits/s), then N workers started; completed/s counts the tasks finished after every worker was ready, over the time to the last finish.`,
      `Cores: CPU time per second of the worker processes, the API processes, the PostgreSQL backends connected to this database, every PostgreSQL`,
      `process of the server (other people's work included: it is shared), and the whole machine.`,
      '',
      table(steps, concurrency, sleepMs),
    ].join('\n');
    console.log(`\n${body}`);
    if (!values['no-docs']) upsertSection(DOCS, 'scale', body, '# Benchmarks');
    return 0;
  },
};
