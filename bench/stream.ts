import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { notifyRunEvents } from '../src/api/wakeup.js';
import { openBus, type Bus } from '../src/bus/bus.js';
import { submitCommand } from '../src/control-plane/commands.js';
import { appendEvent } from '../src/control-plane/ledger.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { connectPostgres } from '../src/db/postgres.js';
import type { Benchmark } from './lib/benchmark.js';
import { DEFAULT_SERVER_URL, dropDatabase, recreateDatabase, serverVersion } from './lib/databases.js';
import { upsertSection } from './lib/markdown-section.js';
import { now, percentile, sleep } from './lib/timing.js';

/**
 * `NATS_URL=… npm run bench -- stream [--runs 100] [--watchers 100,500,1000] [--seconds 10] [--no-write]`:
 * SSE clients following running runs whose ledgers grow at a steady rate (one event per run every
 * 500 ms, committed and notified over NATS from this process, as workers do). The API runs in a
 * process of its own (bench/stream/server.ts), which counts its database statements and CPU.
 * For each watcher count, the old per-stream pump ("before", kept in bench/stream/legacy-pump.ts)
 * and the run event hub ("after"): delivery latency from commit to client p50/p99, events
 * delivered, server CPU and database statements per second. Writes `## stream` in docs/benchmarks.md.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const DB_NAME = 'syntra_bench_stream';
const EVENT_EVERY_MS = 500;

interface ServerHandle {
  child: ChildProcess;
  port: number;
  apiKey: string;
  stats(): Promise<{ queries: number; cpuMs: number }>;
  stop(): Promise<void>;
}

async function startServer(url: string): Promise<ServerHandle> {
  const child = fork(path.join(ROOT, 'bench', 'stream', 'server.ts'), [url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ port: number; apiKey: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; apiKey: string }));
    child.once('exit', (code) => reject(new Error(`stream server exited ${code} before listening`)));
  });
  return {
    child,
    ...ready,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m) => {
          const s = m as { queries: number; cpu: { user: number; system: number } };
          resolve({ queries: s.queries, cpuMs: (s.cpu.user + s.cpu.system) / 1000 });
        });
        child.send('stats');
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/** Commits one event per run every EVENT_EVERY_MS and notifies, recording each commit's time. */
function startWriters(db: Database, bus: Bus, runIds: readonly string[]) {
  const committedAt = new Map<string, number>();
  const timers = runIds.map((runId, i) => {
    const tick = async () => {
      const event = await db.transaction((tx) => appendEvent(tx, { runId, type: 'bench.tick', data: { i } }));
      committedAt.set(`${runId}:${event.seq}`, now());
      notifyRunEvents(bus, runId);
    };
    // Staggered so the commits spread evenly over each interval.
    let timer: NodeJS.Timeout | undefined;
    const start = setTimeout(() => (timer = setInterval(() => void tick().catch(() => {}), EVENT_EVERY_MS)), (EVENT_EVERY_MS * i) / runIds.length);
    return () => {
      clearTimeout(start);
      clearInterval(timer);
    };
  });
  return { committedAt, stop: () => timers.forEach((stop) => stop()) };
}

interface Received {
  key: string;
  at: number;
}

/** One SSE client: records (run:seq, time) of every event frame. */
function openClient(server: ServerHandle, pathname: string, afterSeq: number, received: Received[], runId: string) {
  return new Promise<http.ClientRequest>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: pathname, agent: false, headers: { accept: 'text/event-stream', 'x-api-key': server.apiKey, 'last-event-id': String(afterSeq) } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE ${pathname}: HTTP ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = now();
        buffer += chunk;
        let sep: number;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, sep);
          buffer = buffer.slice(sep + 2);
          if (block.startsWith('id: ')) received.push({ key: `${runId}:${block.slice(4, block.indexOf('\n'))}`, at });
        }
      });
      res.on('error', () => {});
      resolve(req);
    });
    req.on('error', reject);
  });
}

interface Row {
  mode: 'before' | 'after';
  watchers: number;
  p50: number;
  p99: number;
  delivered: number;
  expected: number;
  cpuPct: number;
  queriesPerSec: number;
}

async function measure(
  mode: Row['mode'],
  server: ServerHandle,
  watchers: number,
  seconds: number,
  runIds: readonly string[],
  db: Database,
  committedAt: Map<string, number>,
): Promise<Row> {
  const received: Received[] = [];
  const last = new Map((await db.query<{ run_id: string; seq: string }>(`SELECT run_id, max(seq) AS seq FROM ledger_events WHERE run_id = ANY($1::uuid[]) GROUP BY run_id`, [runIds])).rows.map((r) => [r.run_id, Number(r.seq)]));
  const clients: http.ClientRequest[] = [];
  for (let i = 0; i < watchers; i++) {
    const runId = runIds[i % runIds.length]!;
    const after = last.get(runId) ?? 0;
    const pathname = mode === 'after' ? `/v1/runs/${runId}/events` : `/legacy/runs/${runId}/events?after=${after}`;
    clients.push(await openClient(server, pathname, after, received, runId));
  }
  await sleep(2000);
  const from = now();
  const before = await server.stats();
  await sleep(seconds * 1000);
  const after = await server.stats();
  const to = now();
  // Events committed in the window, and what their followers should have received (a grace second to arrive).
  await sleep(1000);
  for (const c of clients) c.destroy();
  const inWindow = [...committedAt].filter(([, at]) => at >= from && at < to);
  const perRun = new Map<string, number>();
  for (let i = 0; i < watchers; i++) perRun.set(runIds[i % runIds.length]!, (perRun.get(runIds[i % runIds.length]!) ?? 0) + 1);
  const windowKeys = new Map(inWindow);
  const latencies = received.filter((r) => windowKeys.has(r.key)).map((r) => Math.max(0, r.at - windowKeys.get(r.key)!));
  const expected = inWindow.reduce((n, [key]) => n + (perRun.get(key.split(':')[0]!) ?? 0), 0);
  const wall = (to - from) / 1000;
  await sleep(1000);
  return {
    mode,
    watchers,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    delivered: latencies.length,
    expected,
    cpuPct: ((after.cpuMs - before.cpuMs) / (wall * 1000)) * 100,
    queriesPerSec: (after.queries - before.queries) / wall,
  };
}

export const benchmark: Benchmark = {
  description: 'SSE fan-out: 1,000 watchers on 100 running runs, latency commit→client, server CPU, database statements/s (needs NATS_URL)',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: { runs: { type: 'string', default: '100' }, watchers: { type: 'string', default: '100,500,1000' }, seconds: { type: 'string', default: '10' }, 'no-write': { type: 'boolean', default: false } },
    });
    if (!process.env.NATS_URL) {
      console.error('bench stream needs NATS_URL (the API and the writers are separate processes): NATS_URL=nats://127.0.0.1:4222 npm run bench -- stream');
      return 2;
    }
    const serverUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL;
    const watcherCounts = values.watchers.split(',').map(Number);
    const seconds = Number(values.seconds);
    const url = await recreateDatabase(serverUrl, DB_NAME);
    const db = connectPostgres(url, { max: 10 });
    const bus = await openBus({ natsUrl: process.env.NATS_URL });
    const rows: Row[] = [];
    const load: number[] = [];
    try {
      await migrate(db);
      const runIds: string[] = [];
      for (let i = 0; i < Number(values.runs); i++) runIds.push((await submitCommand(db, { kind: 'bench.stream', input: { i } })).runId);
      await db.query(`UPDATE runs SET status = 'running', started_at = now() WHERE id = ANY($1::uuid[])`, [runIds]);
      const writers = startWriters(db, bus, runIds);
      try {
        for (const mode of ['before', 'after'] as const) {
          const server = await startServer(url);
          try {
            for (const watchers of watcherCounts) {
              load.push(os.loadavg()[0]!);
              const row = await measure(mode, server, watchers, seconds, runIds, db, writers.committedAt);
              rows.push(row);
              console.log(
                `${mode.padEnd(6)} ${String(watchers).padStart(5)} watchers: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, delivered ${row.delivered}/${row.expected}, server CPU ${row.cpuPct.toFixed(0)}%, ${row.queriesPerSec.toFixed(0)} db statements/s (load ${os.loadavg()[0]!.toFixed(1)})`,
              );
            }
          } finally {
            await server.stop();
          }
        }
      } finally {
        writers.stop();
      }
    } finally {
      await bus.close();
      await db.close();
      await dropDatabase(serverUrl, DB_NAME);
    }
    if (!values['no-write']) writeSection(rows, Number(values.runs), seconds, load, await serverVersion(serverUrl));
    return 0;
  },
};

/** The targets (p99 ≤ 100 ms; statements/s flat in the number of watchers), judged from the rows. */
function verdicts(rows: readonly Row[]): string[] {
  return (['before', 'after'] as const).flatMap((mode) => {
    const own = rows.filter((r) => r.mode === mode);
    if (own.length === 0) return [];
    const few = own[0]!;
    const many = own.at(-1)!;
    const worst = Math.max(...own.map((r) => r.p99));
    return [
      `- ${mode}: p99 ≤ 100 ms ${worst <= 100 ? 'met' : 'not met'} (worst ${worst.toFixed(1)} ms); statements/s ×${(many.queriesPerSec / few.queriesPerSec).toFixed(2)} from ${few.watchers} to ${many.watchers} watchers.`,
    ];
  });
}

function writeSection(rows: readonly Row[], runs: number, seconds: number, load: readonly number[], pgVersion: string): void {
  const fmt = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(1));
  const table = rows.map((r) => `| ${r.mode === 'before' ? 'before (pump per stream)' : 'after (run event hub)'} | ${r.watchers} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.delivered} / ${r.expected} | ${r.cpuPct.toFixed(0)} % | ${r.queriesPerSec.toFixed(0)} |`);
  const body = [
    `\`NATS_URL=nats://127.0.0.1:4222 npm run bench -- stream\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${pgVersion}, NATS; 1-min load average during the rows ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} (shared machine).`,
    '',
    `${runs} running runs, each committing one ledger event every ${EVENT_EVERY_MS} ms (${Math.round((runs * 1000) / EVENT_EVERY_MS)} events/s) and notifying over NATS, as workers do; watchers spread evenly over the runs, each an SSE client resuming from the run's last event; ${seconds} s measured per row after 2 s of settling. Latency: from the writer's commit returning to the client reading the frame (same process, same clock). CPU: the API process alone (100 % = one core). Statements: every query and transaction the API process sent to PostgreSQL (an instrumented client). Before and after in the same run, against the same database and writers.`,
    '',
    '| path | watchers | p50 ms | p99 ms | delivered / expected | server CPU | db statements/s |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...table,
    '',
    ...verdicts(rows),
    '',
    'How it works: each API process holds one run event hub (src/api/run-event-hub.ts). One NATS subscription (`syntra.run.*.events`) marks runs dirty; one statement per batch reads the new events and status of every dirty run (src/control-plane/ledger-tail.ts) and pushes them to every stream of those runs; a sweep every `eventsPollMs` (500 ms) re-reads every followed run, the backstop after a lost notification, so its cost follows the runs followed, not the watchers. A joining stream replays from the database itself, then goes live without gap or duplicate. Backpressure: a stream still holding 500 undelivered events when the next batch comes loses its queue and catches up from the database when its client reads again (as a reconnect with Last-Event-ID would): nothing is lost, memory per stream is bounded, and no other stream waits for it.',
  ].join('\n');
  upsertSection(DOC, 'stream', body, '# Benchmarks');
}
