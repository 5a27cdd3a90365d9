import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Bus } from '../src/bus/bus.js';
import { submitCommand } from '../src/control-plane/commands.js';
import { HOUSEKEEPING_DEFAULTS, startHousekeeping } from '../src/control-plane/housekeeping.js';
import { startRelay } from '../src/control-plane/relay.js';
import type { Database } from '../src/db/database.js';
import { TaskHandlerRegistry } from '../src/worker/registry.js';
import { startWorker } from '../src/worker/runtime.js';
import type { Benchmark } from './lib/benchmark.js';
import { ownPostgres } from '../test/helpers/own-postgres.js';
import { serverVersion } from './lib/databases.js';
import { upsertSection } from './lib/markdown-section.js';
import { sleep } from './lib/timing.js';
import { natsBus, openSyntraPostgres } from './queue/syntra.js';

/**
 * Vacuum soak: a steady submit→complete rate for N minutes on one PostgreSQL database, with the
 * product's relay, worker runtime and housekeeping, sampling every minute the size of the hot
 * tables and their indexes, dead tuples and autovacuum activity. Not a timed comparison: the
 * rate is modest on purpose and the bench takes no lock.
 */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
const DB_NAME = 'syntra_bench_soak';
const TABLES = ['runs', 'tasks', 'queue_items', 'ledger_events', 'outbox'] as const;
const TASK_TYPE = 'soak';

interface TableSample {
  table: string;
  kb: number;
  indexKb: number;
  live: number;
  dead: number;
  autovacuums: number;
  lastAutovacuum: string | null;
}

interface Sample {
  minute: number;
  submitted: number;
  completed: number;
  backlog: number;
  load: number;
  tables: TableSample[];
}

async function sampleTables(db: Database): Promise<TableSample[]> {
  const res = await db.query<TableSample>(
    `SELECT relname AS "table", (pg_table_size(relid) / 1024)::int AS "kb", (pg_indexes_size(relid) / 1024)::int AS "indexKb",
            n_live_tup::int AS "live", n_dead_tup::int AS "dead", autovacuum_count::int AS "autovacuums",
            to_char(last_autovacuum AT TIME ZONE 'UTC', 'HH24:MI:SS') AS "lastAutovacuum"
       FROM pg_stat_user_tables WHERE relname = ANY($1::text[])`,
    [TABLES],
  );
  return TABLES.map((t) => res.rows.find((r) => r.table === t)!);
}

const mb = (kb: number): string => (kb / 1024).toFixed(1);

function sizeTable(samples: readonly Sample[]): string {
  const head = `| min | done | backlog | load | ${TABLES.map((t) => `${t} MB (idx) / dead`).join(' | ')} |`;
  const sep = `|---:|---:|---:|---:|${TABLES.map(() => '---:').join('|')}|`;
  const rows = samples.map(
    (s) =>
      `| ${s.minute} | ${s.completed.toLocaleString('en-US')} | ${s.backlog} | ${s.load.toFixed(1)} | ${s.tables
        .map((t) => `${mb(t.kb)} (${mb(t.indexKb)}) / ${t.dead.toLocaleString('en-US')}`)
        .join(' | ')} |`,
  );
  return [head, sep, ...rows].join('\n');
}

function vacuumTable(s: Sample): string {
  const rows = s.tables.map((t) => `| ${t.table} | ${t.live.toLocaleString('en-US')} | ${t.dead.toLocaleString('en-US')} | ${t.autovacuums} | ${t.lastAutovacuum ?? 'never'} |`);
  return ['| table | live rows | dead rows | autovacuums | last autovacuum (UTC) |', '|---|---:|---:|---:|---|', ...rows].join('\n');
}

export const benchmark: Benchmark = {
  description: 'vacuum soak: steady submit→complete for N minutes, table/index sizes and dead tuples every minute',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        minutes: { type: 'string', default: '30' },
        rate: { type: 'string', default: '20' },
        'no-docs': { type: 'boolean', default: false },
      },
    });
    const minutes = Number(values.minutes);
    const rate = Number(values.rate);
    if (!(minutes > 0) || !(rate > 0)) {
      console.error('--minutes and --rate must be positive numbers, e.g. --minutes 30 --rate 20');
      return 2;
    }
    const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    // A private cluster at the server's default autovacuum settings: the machine's shared server
    // runs with autovacuum off (cheap throw-away test databases), which is what this must not measure.
    const postgres = await ownPostgres();
    const version = await serverVersion(postgres.url());
    const db = await openSyntraPostgres(await postgres.createDatabase(DB_NAME), 10);
    const bus: Bus = await natsBus(natsUrl);
    let completed = 0;
    let submitted = 0;
    const registry = new TaskHandlerRegistry().register(TASK_TYPE, async (ctx) => {
      completed++;
      return { output: { seq: (ctx.input as { seq: number }).seq } };
    });
    const relay = startRelay({ db, bus, intervalMs: 1000 });
    const housekeeping = startHousekeeping({ db, ...HOUSEKEEPING_DEFAULTS });
    const worker = startWorker({ db, bus, registry, workerId: 'soak-worker', concurrency: 8, pollIntervalMs: 1000, leaseSeconds: 30, shutdownGraceMs: 5000 });
    const samples: Sample[] = [];
    const started = Date.now();
    const endAt = started + minutes * 60_000;
    const take = async (minute: number) => {
      const backlog = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_items WHERE state IN ('available', 'leased')`)).rows[0]!.n;
      const s: Sample = { minute, submitted, completed, backlog, load: os.loadavg()[0]!, tables: await sampleTables(db) };
      samples.push(s);
      console.log(
        `min ${minute}: submitted ${submitted}, completed ${completed}, backlog ${backlog}, load ${s.load.toFixed(1)} | ` +
          s.tables.map((t) => `${t.table} ${mb(t.kb)}+${mb(t.indexKb)} MB dead ${t.dead} av ${t.autovacuums}`).join(' | '),
      );
    };
    console.log(`vacuum soak — ${minutes} min at ${rate} submits/s; ${version}; Node ${process.version}; ${os.cpus().length} cores`);
    await take(0);
    // Submits on a fixed schedule (not back to back), so a slow moment does not raise the rate after it.
    const submitter = (async () => {
      const gap = 1000 / rate;
      for (let i = 0; Date.now() < endAt; i++) {
        const due = started + i * gap;
        if (due > Date.now()) await sleep(due - Date.now());
        await submitCommand(db, { kind: TASK_TYPE, input: { seq: i } });
        submitted++;
      }
    })();
    for (let m = 1; m <= minutes; m++) {
      await sleep(Math.max(0, started + m * 60_000 - Date.now()));
      await take(m);
    }
    await submitter;
    await worker.stop();
    await housekeeping.stop();
    await relay.stop();
    await bus.close();
    await db.close();
    await postgres.dispose();

    const last = samples.at(-1)!;
    const command = `npm run bench -- soak --minutes ${minutes} --rate ${rate}`;
    const body = [
      `Command: \`${command}\` (NATS at \`NATS_URL\`). Measured ${new Date().toISOString().slice(0, 16)} UTC on ${version}`,
      `(a private cluster, \`initdb\` defaults: autovacuum on, naptime 60 s, scale factor 0.2; fsync off), Node ${process.version}, ${os.cpus().length} cores shared with other work; 1-minute load average`,
      `per sample in the table. One process: submitCommand on a fixed schedule, the outbox relay over NATS, the worker runtime`,
      `(concurrency 8) and the housekeeping loop with the serving defaults (a pass every ${HOUSEKEEPING_DEFAULTS.intervalMs / 1000} s, relayed outbox rows`,
      `and done queue items kept ${HOUSEKEEPING_DEFAULTS.keepMs / 60_000} min). Sizes are table (with TOAST) and, in brackets, its indexes.`,
      '',
      sizeTable(samples),
      '',
      `At the end (minute ${last.minute}):`,
      '',
      vacuumTable(last),
    ].join('\n');
    console.log(`\n${body}`);
    if (!values['no-docs']) upsertSection(DOCS, 'soak', body, '# Benchmarks');
    return 0;
  },
};
