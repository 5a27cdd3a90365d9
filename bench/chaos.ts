import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NATS_SERVER_BIN } from '../test/helpers/bus.js';
import { ownPostgresUnavailable } from '../test/helpers/own-postgres.js';
import { postgresRestartUnderLoad, submitStorm, type RestartResult, type StormResult } from './chaos/scenarios.js';
import { startStack } from './chaos/stack.js';
import type { Verdict } from './chaos/verify.js';
import type { Benchmark } from './lib/benchmark.js';
import { upsertSection } from './lib/markdown-section.js';

/**
 * `npm run chaos` (= `npm run bench -- chaos`): the long chaos runs that do not belong in
 * `npm test` — 10,000 submits from 200 clients with retries, and a PostgreSQL restart under
 * load — on `syntra server` + workers as processes, a private PostgreSQL cluster and a private
 * nats-server. Judged against the database (no run lost, one run per key, none completed twice);
 * writes the "Chaos runs" section of docs/reliability.md. Exit code 1 when a verdict fails.
 * CHAOS_DEBUG=1 prints every drain check (its query time) and the runs still unfinished after 3 s.
 */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'reliability.md');
const PREAMBLE = `# Reliability

What Syntra does when its parts fail, measured. The short checks run in \`npm test\` on every CI run
(\`test/chaos/processes.test.ts\`: kill -9 of a worker mid-task, NATS stopped, PostgreSQL connections
terminated and the server stopped; \`test/api/outage.db.test.ts\`; \`test/api/fuzz.db.test.ts\`); the long
runs below come from \`npm run chaos\`.`;

const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '—');
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s === '0' ? 'network error' : s} × ${n}`)
    .join(', ');

function verdictOk(r: { verdict: Verdict; gaveUp: number; crashed: string[] }): boolean {
  const v = r.verdict;
  return v.lost === 0 && v.duplicateKeys === 0 && v.completedTwice === 0 && v.unfinished === 0 && r.gaveUp === 0 && r.crashed.length === 0;
}

function verdictRows(v: Verdict, crashed: string[]): string[] {
  return [
    `| Syntra processes that died | **${crashed.length === 0 ? 'none' : crashed.join('; ')}** |`,
    `| acknowledged submits | ${v.acknowledged} |`,
    `| runs in the database | ${v.runs} (succeeded ${v.succeeded}, unfinished ${v.unfinished}) |`,
    `| acknowledged runs lost | **${v.lost}** |`,
    `| idempotency keys with more than one run | **${v.duplicateKeys}** |`,
    `| tasks completed more than once | **${v.completedTwice}** |`,
    `| drain after the last acknowledgement | ${ms(v.drainMs)} |`,
  ];
}

function stormTable(r: StormResult): string {
  return [
    '| 10,000 submits from 200 clients | |',
    '|---|---|',
    `| submits, clients | ${r.submits}, ${r.clients} (each its own Idempotency-Key, retried with it on network errors, 5xx, 429) |`,
    `| wall time | ${ms(r.durationMs)} (${Math.round(r.submits / (r.durationMs / 1000))} acknowledged submits/s) |`,
    `| answers (all attempts) | ${counts(r.statuses)} |`,
    `| submits retried, given up | ${r.retried}, ${r.gaveUp} |`,
    `| submit latency incl. retries p50 / p95 / p99 | ${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)} |`,
    ...verdictRows(r.verdict, r.crashed),
  ].join('\n');
}

function restartTable(r: RestartResult): string {
  return [
    '| PostgreSQL restart under load | |',
    '|---|---|',
    `| clients, duration | ${r.clients} submitting continuously for ${ms(r.durationMs)} |`,
    `| PostgreSQL down | stopped (\`pg_ctl stop -m fast\`) at ${ms(r.stoppedAt)}, accepting again at ${ms(r.startedAt)} |`,
    `| submits, given up | ${r.submits}, ${r.gaveUp} |`,
    `| answers (all attempts) | ${counts(r.statuses)} |`,
    `| first acknowledged submit after PostgreSQL was back | ${ms(r.recoveryMs)} later |`,
    `| longest stretch without an acknowledged submit | ${ms(r.longestGapMs)} |`,
    ...verdictRows(r.verdict, r.crashed),
  ].join('\n');
}

function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0]!;
  } catch {
    return `${cmd} (version unknown)`;
  }
}

export const benchmark: Benchmark = {
  description: 'chaos: 10,000 submits from 200 clients with retries, PostgreSQL restart under load (own cluster + NATS); docs/reliability.md',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        submits: { type: 'string', default: '10000' },
        clients: { type: 'string', default: '200' },
        workers: { type: 'string', default: '2' },
        'restart-clients': { type: 'string', default: '50' },
        'restart-seconds': { type: 'string', default: '25' },
        'down-seconds': { type: 'string', default: '8' },
        'no-docs': { type: 'boolean', default: false },
      },
    });
    const unavailable = ownPostgresUnavailable();
    if (unavailable) throw new Error(`cannot start a private PostgreSQL cluster: ${unavailable}`);
    const workers = Number(values.workers);
    const stack = await startStack({ workers, concurrency: 8, database: 'syntra_chaos' });
    let storm: StormResult;
    let restart: RestartResult;
    let pgVersion: string;
    try {
      pgVersion = (await stack.db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
      console.log(`storm: ${values.submits} submits from ${values.clients} clients…`);
      storm = await submitStorm(stack, { submits: Number(values.submits), clients: Number(values.clients) });
      console.log(stormTable(storm));
      console.log(`\nrestart: ${values['restart-clients']} clients for ${values['restart-seconds']} s, PostgreSQL down for ${values['down-seconds']} s…`);
      restart = await postgresRestartUnderLoad(stack, {
        clients: Number(values['restart-clients']),
        seconds: Number(values['restart-seconds']),
        stopAfter: 5,
        downSeconds: Number(values['down-seconds']),
      });
      console.log(restartTable(restart));
    } finally {
      await stack.stop();
    }
    const ok = verdictOk(storm) && verdictOk(restart);
    const setup = [
      `Command: \`npm run chaos\` (defaults: \`--submits 10000 --clients 200 --workers ${workers} --restart-clients 50 --restart-seconds 25 --down-seconds 8\`).`,
      `Setup: \`syntra server\` + ${workers} × \`syntra worker\` (concurrency 8, lease 10 s, poll 500 ms) as processes; a private PostgreSQL ${pgVersion} cluster`,
      `(initdb, fsync off) and a private ${versionOf(NATS_SERVER_BIN, ['--version'])} with JetStream; the load generator in the same`,
      `process as the harness; all on one machine: ${os.cpus().length} cores (1-minute load average ${os.loadavg()[0]!.toFixed(1)} when it ended:`,
      `other work shared the machine), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Latencies and rates say little under`,
      `such load; the verdict rows are what this run is for.`,
      `Verdict: ${ok ? 'no process died, every acknowledged run kept, one run per key, nothing completed twice.' : '**FAILED** (see the bold rows).'}`,
    ].join('\n');
    const body = `${setup}\n\n${stormTable(storm)}\n\n${restartTable(restart)}`;
    if (!values['no-docs']) {
      upsertSection(DOCS, 'Chaos runs', body, PREAMBLE);
      console.log(`\nwrote the "Chaos runs" section of ${path.relative(process.cwd(), DOCS)}`);
    }
    return ok ? 0 : 1;
  },
};
