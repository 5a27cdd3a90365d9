import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Benchmark } from './lib/benchmark.js';
import { DEFAULT_SERVER_URL, dropDatabase, recreateDatabase, serverVersion } from './lib/databases.js';
import { upsertSection } from './lib/markdown-section.js';
import { createGraphileSystem } from './queue/graphile.js';
import { createPgBossSystem } from './queue/pgboss.js';
import { checkTargets, markdownTable, settingsList, type Row } from './queue/report.js';
import { claimToComplete, submitToClaimLatency, submitToComplete, warmUp } from './queue/scenarios.js';
import { bestOf, sweepGrid, sweepTable, type Family, type SweepPoint, type SweepResult } from './queue/sweep.js';
import { createSyntraSystem, inProcessBus, natsBus, openSyntraPglite, openSyntraPostgres, type SyntraWorkers } from './queue/syntra.js';
import type { QueueSystem, Tuning } from './queue/system.js';

/**
 * `npm run bench -- queue [options]`: Syntra's queue against graphile-worker and pg-boss on the
 * same PostgreSQL server in the same run, each in a fresh database; see queue/scenarios.ts for
 * what is measured. Prints a table and rewrites the "queue" section of docs/benchmarks.md.
 */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
const PGLITE_JOB_CAP = 2000;
const SYNTRA_MAIN = 'Syntra (worker runtime, in-process bus)';
const SYNTRA_PGLITE = 'Syntra embedded (PGlite in memory, in-process bus)';
const GRAPHILE_MAIN = 'graphile-worker 0.17.3 (best settings)';
const USAGE = `options:
  --jobs N            jobs preloaded for claim→complete (default 10000)
  --submit-jobs N     jobs submitted for submit→complete (default 5000)
  --producers N       concurrent producers for submit→complete (default 4)
  --latency-jobs N    jobs submitted one at a time for latency (default 300)
  --gap-ms N          pause between latency submits (default 10)
  --concurrency N     handlers in flight per worker (default 16; the sweep varies it)
  --pool N            connections per system pool (default 10)
  --no-sweep          skip the settings sweep; the full rows use the settings below
  --quick             a smaller sweep (about a third of the points)
  --sweep-jobs N      jobs preloaded per sweep point (default 5000)
  --graphile-local-queue N  graphile-worker's localQueue.size without the sweep (default 17 = concurrency + 1)
  --syntra-prefetch N items the Syntra worker runtime claims ahead beyond concurrency, without the sweep (default 16; 0 = off)
  --only a,b          run only systems whose label contains one of these words (e.g. syntra,graphile)
  --timeout-s N       bound for each scenario (default 180)
  --no-docs           do not rewrite docs/benchmarks.md`;

interface Candidate {
  label: string;
  /** Overrides of the run's tuning for this candidate (a sweep point's, or the best one's). */
  tuning?: Partial<Tuning>;
  make: (t: Tuning) => Promise<QueueSystem>;
}

const syntraOnPostgres = (serverUrl: string, label: string, db: string, workers: SyntraWorkers, tuning?: Partial<Tuning>): Candidate => ({
  label,
  ...(tuning ? { tuning } : {}),
  make: (t) =>
    createSyntraSystem(
      {
        label,
        workers,
        open: async () => openSyntraPostgres(await recreateDatabase(serverUrl, db), t.poolSize),
        dispose: () => dropDatabase(serverUrl, db),
        dbLabel: `PostgreSQL, database ${db}`,
      },
      t,
    ),
});

const graphileAt = (
  serverUrl: string,
  label: string,
  db: string,
  s: Omit<Parameters<typeof createGraphileSystem>[1], 'label'>,
  tuning?: Partial<Tuning>,
): Candidate => ({
  label,
  ...(tuning ? { tuning } : {}),
  make: async (t) => createGraphileSystem(await recreateDatabase(serverUrl, db), { label, ...s }, t),
});

const pgbossAt = (serverUrl: string, label: string, s: { loops: number; batchSize: number }): Candidate => ({
  label,
  make: async (t) =>
    createPgBossSystem(await recreateDatabase(serverUrl, 'syntra_bench_pgboss'), { label, pollingIntervalSeconds: 0.5, ...s }, t),
});

const inProcess: SyntraWorkers = { kind: 'runtime', bus: inProcessBus, busLabel: 'in-process bus' };

function sweepCandidate(serverUrl: string, p: SweepPoint): Candidate {
  const label = `${p.family} sweep: ${p.knobs}`;
  if (p.family === 'graphile') {
    return graphileAt(serverUrl, label, 'syntra_bench_graphile', { localQueueSize: p.graphileLocalQueue!, batchDelay: 0, pollIntervalMs: 1000 }, p.tuning);
  }
  if (p.family === 'pgboss') return pgbossAt(serverUrl, label, p.pgboss!);
  return syntraOnPostgres(serverUrl, label, 'syntra_bench_syntra', inProcess, p.tuning);
}

/** The full rows: each system at its best settings (the sweep's, or the options' without it). */
function candidates(serverUrl: string, natsUrl: string | undefined, o: Options, best: Record<Family, SweepPoint>): Candidate[] {
  const syntraTuning = best.syntra.tuning;
  const list: Candidate[] = [syntraOnPostgres(serverUrl, SYNTRA_MAIN, 'syntra_bench_syntra', inProcess, syntraTuning)];
  if (natsUrl) {
    list.push(
      syntraOnPostgres(
        serverUrl,
        'Syntra (worker runtime, NATS JetStream)',
        'syntra_bench_syntra_nats',
        { kind: 'runtime', bus: () => natsBus(natsUrl), busLabel: `NATS JetStream at ${natsUrl}` },
        syntraTuning,
      ),
    );
  }
  list.push(
    syntraOnPostgres(serverUrl, 'Syntra raw: claim batch + complete per item', 'syntra_bench_syntra_raw', { kind: 'raw', complete: 'per-item', loops: 2 }),
    syntraOnPostgres(serverUrl, 'Syntra raw: claim batch + batched complete, one function call per item', 'syntra_bench_syntra_rawl', { kind: 'raw', complete: 'per-item-sql', loops: 2 }),
    syntraOnPostgres(serverUrl, 'Syntra raw: claim batch + batched complete', 'syntra_bench_syntra_rawb', { kind: 'raw', complete: 'batched', loops: 2 }),
    syntraOnPostgres(serverUrl, 'Syntra raw: complete batch + claim next in one statement', 'syntra_bench_syntra_rawf', { kind: 'raw', complete: 'fold', loops: 2 }),
  );
  list.push({
    label: SYNTRA_PGLITE,
    tuning: syntraTuning,
    make: (t) =>
      createSyntraSystem(
        {
          label: SYNTRA_PGLITE,
          workers: inProcess,
          open: openSyntraPglite,
          dispose: async () => {},
          dbLabel: `PGlite 0.5.14 in memory (one connection; at most ${PGLITE_JOB_CAP} jobs per scenario)`,
          jobCap: PGLITE_JOB_CAP,
        },
        t,
      ),
  });
  list.push(
    graphileAt(
      serverUrl,
      GRAPHILE_MAIN,
      'syntra_bench_graphile',
      { localQueueSize: best.graphile.graphileLocalQueue!, batchDelay: 0, pollIntervalMs: 1000 },
      best.graphile.tuning,
    ),
    graphileAt(serverUrl, 'graphile-worker 0.17.3 (defaults)', 'syntra_bench_graphile_default', { pollIntervalMs: 2000 }),
    pgbossAt(serverUrl, 'pg-boss 10.4.2 (best settings)', best.pgboss.pgboss!),
  );
  return list;
}

/** Without a sweep: the options' settings stand for each system's best. */
function fixedBest(o: Options): Record<Family, SweepPoint> {
  return {
    syntra: { family: 'syntra', knobs: '', tuning: {} },
    graphile: { family: 'graphile', knobs: '', tuning: {}, graphileLocalQueue: o.graphileLocalQueue },
    pgboss: { family: 'pgboss', knobs: '', tuning: {}, pgboss: { loops: 4, batchSize: 100 } },
  };
}

const BENCH_DBS = [
  'syntra_bench_syntra',
  'syntra_bench_syntra_nats',
  'syntra_bench_syntra_raw',
  'syntra_bench_syntra_rawl',
  'syntra_bench_syntra_rawb',
  'syntra_bench_syntra_rawf',
  'syntra_bench_graphile',
  'syntra_bench_graphile_default',
  'syntra_bench_pgboss',
];

async function runOne(c: Candidate, o: Options, claimOnly = false): Promise<Row> {
  const limits = { timeoutMs: o.timeoutS * 1000 };
  const row: Row = { label: c.label, settings: '', claim: '—', submit: '—', latency: '—' };
  process.stderr.write(`\n▶ ${c.label}\n`);
  let sys: QueueSystem;
  try {
    sys = await c.make({ ...o.tuning, ...c.tuning });
  } catch (e) {
    row.settings = `could not start: ${(e as Error).message}`;
    row.claim = row.submit = row.latency = 'error';
    return row;
  }
  row.settings = sys.settings;
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | string> => {
    const t0 = Date.now();
    try {
      const v = await fn();
      process.stderr.write(`  ${name}: ${JSON.stringify(v)} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      return v;
    } catch (e) {
      process.stderr.write(`  ${name} FAILED: ${(e as Error).message}\n`);
      return 'error';
    }
  };
  const cap = (n: number) => Math.min(n, sys.jobCap ?? n);
  try {
    await step('warm-up', () => warmUp(sys, 300, limits));
    const jobs = claimOnly ? o.sweepJobs : o.jobs;
    if (sys.scenarios.has('claim')) row.claim = await step('claim→complete', () => claimToComplete(sys, cap(jobs), limits));
    if (claimOnly) return row;
    if (sys.scenarios.has('submit')) {
      row.submit = await step('submit→complete', () => submitToComplete(sys, cap(o.submitJobs), o.producers, limits));
    }
    if (sys.scenarios.has('latency')) {
      row.latency = await step('submit→claim latency', () => submitToClaimLatency(sys, cap(o.latencyJobs), o.gapMs, limits));
    }
  } finally {
    await sys.close().catch((e: unknown) => process.stderr.write(`  close failed: ${(e as Error).message}\n`));
  }
  return row;
}

interface Options {
  jobs: number;
  submitJobs: number;
  producers: number;
  latencyJobs: number;
  gapMs: number;
  timeoutS: number;
  only: string[];
  docs: boolean;
  sweep: boolean;
  quick: boolean;
  sweepJobs: number;
  graphileLocalQueue: number;
  tuning: Tuning;
}

function options(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      jobs: { type: 'string', default: '10000' },
      'submit-jobs': { type: 'string', default: '5000' },
      producers: { type: 'string', default: '4' },
      'latency-jobs': { type: 'string', default: '300' },
      'gap-ms': { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      pool: { type: 'string', default: '10' },
      'graphile-local-queue': { type: 'string', default: '17' },
      'syntra-prefetch': { type: 'string', default: '16' },
      only: { type: 'string', default: '' },
      'timeout-s': { type: 'string', default: '180' },
      'no-docs': { type: 'boolean', default: false },
      'no-sweep': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'sweep-jobs': { type: 'string', default: '5000' },
    },
  });
  const int = (name: keyof typeof values, min: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}\n${USAGE}`);
    return n;
  };
  return {
    jobs: int('jobs', 1),
    submitJobs: int('submit-jobs', 1),
    producers: int('producers', 1),
    latencyJobs: int('latency-jobs', 1),
    gapMs: int('gap-ms', 0),
    timeoutS: int('timeout-s', 1),
    only: String(values.only).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    docs: !values['no-docs'],
    sweep: !values['no-sweep'],
    quick: Boolean(values.quick),
    sweepJobs: int('sweep-jobs', 1),
    graphileLocalQueue: int('graphile-local-queue', 2),
    tuning: { concurrency: int('concurrency', 1), poolSize: int('pool', 2), syntraPrefetch: int('syntra-prefetch', 0) },
  };
}

function docSection(o: Options, rows: Row[], sweep: readonly SweepResult[], facts: string[], command: string): string {
  const checks = checkTargets(rows, { syntra: SYNTRA_MAIN, graphile: GRAPHILE_MAIN, pglite: SYNTRA_PGLITE });
  const sweepPart = sweep.length
    ? `Settings sweep (claim→complete only, ${o.sweepJobs.toLocaleString('en-US')} preloaded jobs per point, each point in a fresh database after a warm-up; the best of each system then runs every scenario in the table below):

${sweepTable(sweep)}

`
    : '';
  return `Command: \`${command}\`

${facts.map((f) => `- ${f}`).join('\n')}

${sweepPart}${markdownTable(rows)}

Targets (issue 17), judged on this run against graphile-worker at its best settings:
${checks.map((c) => `- ${c.met ? 'met' : 'MISSED'}: ${c.text}`).join('\n') || '- not evaluated (rows missing)'}

How it is measured (trivial handler: it records its start and returns):
- **claim→complete**: ${o.jobs.toLocaleString('en-US')} jobs preloaded with no worker running (Syntra via \`submitCommand\` from 8 parallel callers, peers via their bulk insert), \`ANALYZE\`, then workers start; the clock runs from the first handler start until the database shows every job completed.
- **submit→complete**: workers running and idle; ${o.producers} concurrent producers submit ${o.submitJobs.toLocaleString('en-US')} jobs one call at a time; clock from the first submit until the database shows every job completed.
- **submit→claim**: workers idle; ${o.latencyJobs} jobs submitted one at a time, ${o.gapMs} ms apart; each sample is from just before the submit call to the handler's first line (same process, \`performance.now()\`), so it includes the submit's own commit.
- Every system first gets a warm-up of 300 jobs. Each system has its own fresh database on the same server; databases are dropped at the end.
- Syntra's submit is \`submitCommand\`: ONE statement (\`syntra_submit_command\`, one round trip) inserting command, thread, run, task, queue item, two ledger events and an outbox row; the peers' \`addJob\`/\`send\` insert one job row. Syntra's claim and complete also update the task and run and append ledger events (task.started, run.started, task.succeeded, run.succeeded). Syntra does more work per task by design (history, ledger, run state).
- The Syntra worker runtime claims up to \`prefetch\` items ahead of its handler slots (off by default), the counterpart of graphile-worker's \`localQueue\`; completions are group-committed, and a busy worker claims its next items in the same statement and commit as its completions (\`syntra_complete_and_claim\`).
- pg-boss 10 has no LISTEN/NOTIFY: its latency is bounded by polling (\`pollingIntervalSeconds\` ≥ 0.5, so expect ~⅓–½ of the interval on average), and a work() loop that found jobs still waits out its interval, so its throughput is about loops × batchSize / interval. Its defaults (one loop, batchSize 1, 2 s polling) give about 0.5 tasks/s and are not run.
- The raw Syntra rows call the queue SQL directly (no runtime, relay or bus) to show the ceiling of the claim/complete path; "batched complete" completes each claimed batch in one statement, \`completeMany\` as the runtime's completer calls it (since 080 set-based for the common completion: \`syntra_complete_queue_items\`); "one function call per item" is the same batch as one statement calling \`syntra_complete_queue_item\` per element (what \`completeMany\` did before 080), kept to show the difference in the same run; "complete batch + claim next" is the same with the next batch claimed in that statement (one commit per batch).
- The PGlite row is Syntra's embedded mode (PostgreSQL in WASM, one connection, in this same Node process); graphile-worker and pg-boss cannot run on PGlite, so it has no peers. It runs at most ${PGLITE_JOB_CAP.toLocaleString('en-US')} jobs per scenario.

Settings:
${settingsList(rows)}`;
}

export const benchmark: Benchmark = {
  description: 'Syntra queue vs graphile-worker and pg-boss, each at its best of a settings sweep: claim→complete, submit→complete, submit→claim latency',
  async run(args) {
    if (args.includes('--help')) {
      console.log(USAGE);
      return 0;
    }
    const o = options(args);
    const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
    const natsUrl = process.env.NATS_URL || undefined;
    const version = await serverVersion(serverUrl);
    const loadAtStart = os.loadavg()[0]!.toFixed(1);
    const wanted = (label: string) => o.only.length === 0 || o.only.some((w) => label.toLowerCase().replace('-', '').includes(w.replace('-', '')));
    const sweep: SweepResult[] = [];
    const rows: Row[] = [];
    try {
      if (o.sweep) {
        for (const point of sweepGrid(o.quick)) {
          const c = sweepCandidate(serverUrl, point);
          if (wanted(c.label)) sweep.push({ point, claim: (await runOne(c, o, true)).claim });
        }
        if (sweep.length) console.log(`\n${sweepTable(sweep)}\n`);
      }
      const fixed = fixedBest(o);
      const best = (f: Family): SweepPoint => bestOf(sweep, f)?.point ?? fixed[f];
      const all = candidates(serverUrl, natsUrl, o, { syntra: best('syntra'), graphile: best('graphile'), pgboss: best('pgboss') });
      for (const c of all.filter((c) => wanted(c.label))) rows.push(await runOne(c, o));
    } finally {
      await Promise.all(BENCH_DBS.map((db) => dropDatabase(serverUrl, db).catch(() => {})));
    }
    const facts = [
      `Date: ${new Date().toISOString().slice(0, 10)}`,
      `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${version} on loopback (${new URL(serverUrl).host}), default server settings; 1-min load average at start ${loadAtStart}, at end ${os.loadavg()[0]!.toFixed(1)} (the machine may be shared: compare rows of one run, not runs)`,
      `Wakeups: in-process bus${natsUrl ? `; NATS JetStream at ${natsUrl}` : ' (NATS_URL not set: the NATS row is skipped)'}`,
      `${o.tuning.poolSize} connections per pool; concurrency and batch settings per system as swept (each row's settings below); all systems in one Node process, one at a time`,
    ];
    const table = markdownTable(rows);
    console.log(`\n${table}\n`);
    for (const c of checkTargets(rows, { syntra: SYNTRA_MAIN, graphile: GRAPHILE_MAIN, pglite: SYNTRA_PGLITE })) console.log(`${c.met ? 'met   ' : 'MISSED'} ${c.text}`);
    console.log(`\nSettings:\n${settingsList(rows)}`);
    if (o.docs) {
      const command = ['npm run bench -- queue', ...args].join(' ');
      upsertSection(DOCS, 'queue', docSection(o, rows, sweep, facts, command), '# Benchmarks\n\nEach section is written by its benchmark (`npm run bench -- <name>`); run it again to refresh the numbers.');
      console.log(`\nwrote the "queue" section of ${path.relative(process.cwd(), DOCS)}`);
    }
    return rows.some((r) => [r.claim, r.submit, r.latency].includes('error')) ? 1 : 0;
  },
};
