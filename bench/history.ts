import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { archiveDueRuns } from '../src/control-plane/run-archive.js';
import { listRuns, type ListRunsQuery } from '../src/control-plane/runs.js';
import { encodeKeysetCursor } from '../src/db/keyset-page.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { connectPostgres } from '../src/db/postgres.js';
import type { Benchmark } from './lib/benchmark.js';
import { DEFAULT_SERVER_URL, databaseUrl, dropDatabase, recreateDatabase, serverVersion } from './lib/databases.js';
import { upsertSection } from './lib/markdown-section.js';
import { now, percentile } from './lib/timing.js';
import { loadHistory, NAMESPACES } from './history/load.js';
import { openTarget, PROBE_EVENTS, type Target } from './history/target.js';

/**
 * `npm run bench -- history [--runs 1000000] [--samples 200] [--reuse]`: does history make the
 * hot path or the API slower? Two databases on the same PostgreSQL server, one empty and one
 * holding `--runs` finished runs (bench/history/load.ts), each behind the real API. Every measure
 * alternates between the two, sample by sample, so load on the shared machine hits both alike.
 * `--reuse` keeps a loaded database from an earlier run when it holds the same number of runs.
 * Writes the "history" section of docs/benchmarks.md.
 */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
const EMPTY_DB = 'syntra_bench_history_empty';
const FULL_DB = 'syntra_bench_history_full';
const WARMUP = 20;
const TARGET_RATIO = 1.5;
const LIST_P99_MS = 20;
const ARCHIVE_BATCHES = 20;
const ARCHIVE_BATCH = 500;

interface Measure {
  name: string;
  list: boolean;
  run: (t: Target, i: number) => Promise<void>;
}

async function ok(res: Promise<{ statusCode: number; body: string }>, what: string): Promise<string> {
  const r = await res;
  if (r.statusCode !== 200) throw new Error(`${what} answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
  return r.body;
}

/** A cursor at the middle of a target's history: what a client paging far back sends. */
async function middleCursor(db: Database): Promise<string> {
  const res = await db.query<{ micros: string; id: string }>(
    `SELECT (extract(epoch FROM created_at) * 1000000)::bigint::text AS micros, id::text FROM runs
      ORDER BY created_at DESC, id DESC OFFSET (SELECT count(*) / 2 FROM runs) LIMIT 1`,
  );
  const row = res.rows[0]!;
  return encodeKeysetCursor({ micros: Number(row.micros), id: row.id });
}

const SINCE = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
/** label, query string, through the namespace-restricted key, the same filter for listRuns(). */
const LIST_FILTERS: Array<[string, string, boolean, Omit<ListRunsQuery, 'limit'>]> = [
  ['no filter', '', false, {}],
  ['status=failed', 'status=failed', false, { status: 'failed' }],
  ['kind=ask', 'kind=ask', false, { kind: 'ask' }],
  ['since 30 days', `since=${SINCE}`, false, { since: new Date(SINCE) }],
  ['status=failed&kind=ask', 'status=failed&kind=ask', false, { status: 'failed', kind: 'ask' }],
  ['namespace-restricted key (2 of 20)', '', true, { namespaces: NAMESPACES.slice(0, 2) }],
];

function measures(cursors: Map<Target, string>): Measure[] {
  const list: Measure[] = [];
  for (const [label, query, restricted] of LIST_FILTERS) {
    list.push({ name: `GET /v1/runs first page, ${label}`, list: true, run: (t) => ok(t.get(`/v1/runs?limit=20${query ? `&${query}` : ''}`, restricted), label).then(() => undefined) });
  }
  for (const [label, query, restricted] of LIST_FILTERS) {
    list.push({
      name: `GET /v1/runs deep cursor (middle of history), ${label}`,
      list: true,
      run: (t) => ok(t.get(`/v1/runs?limit=20&cursor=${cursors.get(t)!}${query ? `&${query}` : ''}`, restricted), label).then(() => undefined),
    });
  }
  // The database's share of a page: the same filters through listRuns() in process, no HTTP, auth or rate limit.
  for (const [label, , , filter] of LIST_FILTERS) {
    list.push({ name: `listRuns() SQL only, first page, ${label}`, list: true, run: (t) => listRuns(t.db, { ...filter, limit: 20 }).then(() => undefined) });
    list.push({ name: `listRuns() SQL only, deep cursor, ${label}`, list: true, run: (t) => listRuns(t.db, { ...filter, limit: 20, cursor: cursors.get(t)! }).then(() => undefined) });
  }
  return [
    { name: 'submit (POST /v1/commands/submit)', list: false, run: (t) => t.submit().then(() => undefined) },
    ...list,
    { name: `GET /v1/runs/{id}, ${PROBE_EVENTS} events`, list: false, run: (t) => ok(t.get(`/v1/runs/${t.probeRunId}`), 'get run').then(() => undefined) },
    {
      name: `SSE replay of a finished run (${PROBE_EVENTS} events)`,
      list: false,
      run: async (t) => {
        const body = await ok(t.get(`/v1/runs/${t.probeRunId}/events`), 'events');
        if (!body.includes('event: end')) throw new Error('SSE replay did not end');
      },
    },
  ];
}

/** Alternates the targets sample by sample; returns each target's durations in ms. */
async function sample(targets: Target[], samples: number, fn: (t: Target, i: number) => Promise<number>): Promise<Map<Target, number[]>> {
  const out = new Map(targets.map((t) => [t, [] as number[]]));
  for (let i = 0; i < WARMUP + samples; i++) {
    for (const t of i % 2 ? [...targets].reverse() : targets) {
      const ms = await fn(t, i);
      if (i >= WARMUP) out.get(t)!.push(ms);
    }
  }
  return out;
}

const timed = (m: Measure) => async (t: Target, i: number) => {
  const start = now();
  await m.run(t, i);
  return now() - start;
};

async function openDb(url: string): Promise<Database> {
  const db = connectPostgres(url, { max: 10 });
  await migrate(db);
  return db;
}

export const benchmark: Benchmark = {
  description: 'a million runs of history: submit, claim, run lists (every filter, deep cursors), run detail and SSE replay vs an empty database',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: { runs: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '200' }, reuse: { type: 'boolean', default: false }, 'no-docs': { type: 'boolean', default: false } },
    });
    const count = Number(values.runs);
    const samples = Number(values.samples);
    if (!Number.isInteger(count) || count < 1000) throw new Error('--runs must be a whole number ≥ 1000');
    const server = process.env.BENCH_SERVER_URL ?? DEFAULT_SERVER_URL;
    const loadAtStart = os.loadavg()[0]!.toFixed(1);

    const emptyDb = await openDb(await recreateDatabase(server, EMPTY_DB));
    let fullDb: Database | undefined;
    let loadSeconds: number | undefined;
    if (values.reuse) {
      fullDb = await openDb(databaseUrl(server, FULL_DB)).catch(() => undefined);
      const have = fullDb ? Number((await fullDb.query<{ n: string }>(`SELECT count(*) AS n FROM commands WHERE created_by = 'bench'`)).rows[0]!.n) : 0;
      if (have !== count) {
        await fullDb?.close();
        fullDb = undefined;
      }
    }
    if (!fullDb) {
      fullDb = await openDb(await recreateDatabase(server, FULL_DB));
      const t = now();
      await loadHistory(fullDb, count, (done) => console.log(`loaded ${done.toLocaleString('en')} runs (${((now() - t) / 1000).toFixed(0)} s)`));
      loadSeconds = (now() - t) / 1000;
    }
    const sizes = (
      await fullDb.query<{ runs: string; events: string; bytes: string }>(
        `SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM ledger_events) AS events, pg_database_size(current_database()) AS bytes`,
      )
    ).rows[0]!;
    const empty = await openTarget('empty', emptyDb);
    const full = await openTarget(`${Number(sizes.runs).toLocaleString('en')} runs`, fullDb);
    const targets = [empty, full];
    // The empty database gets a little history of its own (the submits below) before the cursor is taken.
    const rows: Array<{ name: string; list: boolean; result: Map<Target, number[]> }> = [];
    const submitMeasure = measures(new Map())[0]!;
    rows.push({ name: submitMeasure.name, list: false, result: await sample(targets, samples, timed(submitMeasure)) });
    rows.push({ name: 'claim one item (claim_queue_items, the worker path)', list: false, result: await sample(targets, samples, (t) => t.claimOne('bench-claim')) });
    const cursors = new Map<Target, string>([
      [empty, await middleCursor(emptyDb)],
      [full, await middleCursor(fullDb)],
    ]);
    for (const m of measures(cursors).slice(1)) {
      rows.push({ name: m.name, list: m.list, result: await sample(targets, samples, timed(m)) });
      console.log(`measured: ${m.name}`);
    }
    // Retention on the loaded history: archiving throughput, then the probe runs archived in both
    // databases and read again (GET and SSE replay answered from run_archive).
    const t0 = now();
    let archived = 0;
    for (let i = 0; i < ARCHIVE_BATCHES; i++) archived += await archiveDueRuns(fullDb, { defaultDays: 80, byScope: {} }, { batch: ARCHIVE_BATCH });
    const archiveRate = archived / ((now() - t0) / 1000);
    for (const t of targets) {
      await t.db.query(`UPDATE runs SET finished_at = finished_at - interval '1000 days' WHERE id = $1`, [t.probeRunId]);
      if ((await archiveDueRuns(t.db, { defaultDays: null, byScope: { [NAMESPACES[0]!]: 900 } })) !== 1) throw new Error(`${t.label}: the probe run was not archived`);
    }
    for (const m of measures(cursors).slice(-2)) {
      const name = `${m.name}, archived`;
      rows.push({ name, list: false, result: await sample(targets, samples, timed(m)) });
      console.log(`measured: ${name}`);
    }
    const loadAtEnd = os.loadavg()[0]!.toFixed(1);

    const f = (xs: number[], q: number) => percentile(xs, q).toFixed(2);
    const table = rows.map(({ name, list, result }) => {
      const e = result.get(empty)!;
      const h = result.get(full)!;
      const r50 = percentile(h, 0.5) / percentile(e, 0.5);
      const r99 = percentile(h, 0.99) / percentile(e, 0.99);
      const met = r50 <= TARGET_RATIO && r99 <= TARGET_RATIO && (!list || percentile(h, 0.99) <= LIST_P99_MS);
      return `| ${name} | ${f(e, 0.5)} / ${f(e, 0.99)} | ${f(h, 0.5)} / ${f(h, 0.99)} | ${r50.toFixed(2)}× / ${r99.toFixed(2)}× | ${met ? 'yes' : '**no**'} |`;
    });
    const body = [
      `Command: \`flock /work/bench.lock npm run bench -- history\` (\`--runs N\` for a smaller history, \`--samples N\`, \`--reuse\` keeps the loaded database of an earlier run)`,
      '',
      `- Date: ${new Date().toISOString().slice(0, 16)}Z; Node ${process.version}; ${os.cpus().length} cores; ${await serverVersion(server)} on loopback; 1-min load average ${loadAtStart} at start, ${loadAtEnd} at the end (the machine is shared: compare the columns of this run, not runs)`,
      `- History: ${Number(sizes.runs).toLocaleString('en')} runs, ${Number(sizes.events).toLocaleString('en')} ledger events, database ${(Number(sizes.bytes) / 2 ** 30).toFixed(1)} GiB${loadSeconds === undefined ? ' (reused)' : `, loaded in ${loadSeconds.toFixed(0)} s`} (bench/history/load.ts: 90 days, 20 namespaces, 3 kinds, 85/10/5 % succeeded/failed/cancelled, 1–3 tasks per run, 4–8 events per run)`,
      `- ${samples} samples per measure after ${WARMUP} warm-ups, alternating between the two databases; every request goes through the real API (buildApp + inject, auth and rate limiting on); claim is the in-process worker's \`claim()\`. Target: history ≤ ${TARGET_RATIO}× the empty figure at p50 and p99; list pages p99 ≤ ${LIST_P99_MS} ms.`,
      '',
      '| measure | empty p50 / p99 (ms) | with history p50 / p99 (ms) | ratio p50 / p99 | target met |',
      '|---|---:|---:|---:|---|',
      ...table,
      '',
      `Archiving (run-archive.ts) on this history: ${archived.toLocaleString('en')} runs past an 80-day window in ${ARCHIVE_BATCHES} batches of ${ARCHIVE_BATCH}, ${archiveRate.toFixed(0)} runs/s (tasks, ledger and queue items moved, one transaction per batch).`,
    ].join('\n');
    console.log(body);
    if (!values['no-docs']) upsertSection(DOCS, 'history', body, '# Benchmarks');
    for (const t of targets) await t.close();
    await emptyDb.close();
    await fullDb.close();
    await dropDatabase(server, EMPTY_DB);
    return 0;
  },
};
