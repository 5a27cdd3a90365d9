import type { Bus } from '../../src/bus/bus.js';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { claim, complete, completeMany, completeManyAndClaim } from '../../src/control-plane/queue.js';
import { startRelay, type Relay } from '../../src/control-plane/relay.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { TaskHandlerRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { runConcurrently, withTimeout } from '../lib/timing.js';
import { ALL_SCENARIOS, type JobProbe, type QueueSystem, type ScenarioName, type Tuning } from './system.js';

/**
 * Syntra under test. `submit` is the real `submitCommand`: one transaction inserting command,
 * thread, run, task, queue item, two ledger events and the outbox row — more work per job than a
 * peer's addJob. Workers are the real worker runtime fed by the real outbox relay and a bus.
 * The raw variants bypass the runtime to show the ceiling of the claim/complete SQL itself.
 */
export const TASK_TYPE = 'bench';
const LEASE_SECONDS = 30;
const POLL_MS = 1000;
const PRELOAD_PARALLEL = 8;

export type SyntraWorkers =
  | { kind: 'runtime'; bus: () => Promise<Bus>; busLabel: string }
  /**
 * per-item: one complete call per item; per-item-sql: one statement per batch calling the per-item
 * function for each; batched: completeMany; fold: that statement also claims the next batch.
 */
  | { kind: 'raw'; complete: RawComplete; loops: number };

type RawComplete = 'per-item' | 'per-item-sql' | 'batched' | 'fold';

const RAW_COMPLETE = {
  'per-item': 'one complete call per item (in parallel)',
  'per-item-sql': 'ONE statement completing the whole batch, syntra_complete_queue_item per element (completeMany before 080)',
  batched: 'ONE statement completing the whole batch (completeMany: set-based syntra_complete_queue_items)',
  fold: 'ONE statement completing the batch AND claiming the next (syntra_complete_and_claim)',
} as const;

export interface SyntraVariant {
  label: string;
  workers: SyntraWorkers;
  /** Opens a fresh, migrated database for this variant. */
  open: () => Promise<Database>;
  /** Removes what `open` created. */
  dispose: () => Promise<void>;
  dbLabel: string;
  jobCap?: number;
}

export async function openSyntraPostgres(url: string, poolSize: number): Promise<Database> {
  const db = connectPostgres(url, { max: poolSize });
  await migrate(db);
  return db;
}

export async function createSyntraSystem(v: SyntraVariant, t: Tuning): Promise<QueueSystem> {
  const db = await v.open();
  const stopRaw = { stop: false };
  let worker: RunningWorker | undefined;
  let relay: Relay | undefined;
  let bus: Bus | undefined;
  let rawLoops: Promise<void>[] = [];

  const scenarios: ReadonlySet<ScenarioName> = v.workers.kind === 'runtime' ? ALL_SCENARIOS : new Set(['claim']);
  const settings =
    v.workers.kind === 'runtime'
      ? `${v.dbLabel}; worker runtime concurrency ${t.concurrency}, prefetch ${t.syntraPrefetch}${db.dialect === 'postgres' ? `, pool ${t.poolSize}` : ''}, lease ${LEASE_SECONDS} s, poll ${POLL_MS} ms; relay + ${v.workers.busLabel} for wakeups`
      : `${v.dbLabel}; ${v.workers.loops} loops × claim_queue_items(limit ${t.concurrency}) then ${RAW_COMPLETE[v.workers.complete]}, pool ${t.poolSize}`;

  async function rawLoop(probe: JobProbe, mode: RawComplete, n: number): Promise<void> {
    const workerId = `bench-raw-${n}`;
    const next = { workerId, taskTypes: [TASK_TYPE], limit: t.concurrency, leaseSeconds: LEASE_SECONDS };
    let items: Awaited<ReturnType<typeof claim>> = [];
    while (!stopRaw.stop) {
      if (items.length === 0) items = await claim(db, next);
      if (items.length === 0) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      for (const it of items) probe.started((it.input as { seq: number }).seq);
      if (mode === 'fold') {
        items = (await completeManyAndClaim(db, items.map((i) => ({ queueItemId: i.queueItemId, leaseToken: i.leaseToken, output: null })), next)).claimed;
        continue;
      }
      if (mode === 'batched') {
        // The runtime's batched completer: every item's completion in one round trip and one transaction.
        await completeMany(db, items.map((i) => ({ queueItemId: i.queueItemId, leaseToken: i.leaseToken, output: null })));
      } else if (mode === 'per-item-sql') {
        await db.query(
          `SELECT o.outcome FROM unnest($1::uuid[], $2::uuid[]) AS x(id, tok),
             LATERAL syntra_complete_queue_item(x.id, x.tok, 'null'::jsonb, '[]'::jsonb, '[]'::jsonb, NULL, false, false) o`,
          [items.map((i) => i.queueItemId), items.map((i) => i.leaseToken)],
        );
      } else {
        await Promise.all(items.map((i) => complete(db, { queueItemId: i.queueItemId, leaseToken: i.leaseToken, output: null })));
      }
      items = [];
    }
  }

  return {
    label: v.label,
    settings,
    scenarios,
    ...(v.jobCap ? { jobCap: v.jobCap } : {}),
    async preload(firstSeq, n) {
      await runConcurrently(n, PRELOAD_PARALLEL, (i) => submitCommand(db, { kind: TASK_TYPE, input: { seq: firstSeq + i } }).then(() => {}));
    },
    async startWorkers(probe) {
      if (v.workers.kind === 'raw') {
        stopRaw.stop = false;
        const { complete: mode, loops } = v.workers;
        rawLoops = Array.from({ length: loops }, (_, n) => rawLoop(probe, mode, n));
        return;
      }
      bus = await v.workers.bus();
      const registry = new TaskHandlerRegistry().register(TASK_TYPE, async (ctx) => {
        probe.started((ctx.input as { seq: number }).seq);
        return { output: null };
      });
      relay = startRelay({ db, bus, intervalMs: POLL_MS });
      worker = startWorker({
        db,
        bus,
        registry,
        workerId: 'bench-worker',
        concurrency: t.concurrency,
        prefetch: t.syntraPrefetch,
        pollIntervalMs: POLL_MS,
        leaseSeconds: LEASE_SECONDS,
        shutdownGraceMs: 5000,
      });
    },
    async stopWorkers() {
      stopRaw.stop = true;
      await Promise.all(rawLoops);
      rawLoops = [];
      await worker?.stop();
      await relay?.stop();
      await withTimeout('closing the bus', bus?.close() ?? Promise.resolve(), 5000).catch(() => {});
      worker = undefined;
      relay = undefined;
      bus = undefined;
    },
    async submit(seq) {
      await submitCommand(db, { kind: TASK_TYPE, input: { seq } });
    },
    async pending() {
      const res = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_items WHERE state IN ('available', 'leased')`);
      return res.rows[0]!.n;
    },
    async analyze() {
      if (db.dialect === 'postgres') await db.query('ANALYZE');
    },
    async close() {
      await db.close();
      await v.dispose();
    },
  };
}

/** Embedded mode's database: PGlite in memory, migrated. */
export async function openSyntraPglite(): Promise<Database> {
  const { openPglite } = await import('../../src/db/pglite.js');
  const db = await openPglite();
  await migrate(db);
  return db;
}

export const inProcessBus = async (): Promise<Bus> => createInProcessBus();

export async function natsBus(url: string): Promise<Bus> {
  const { connectNatsBus } = await import('../../src/bus/nats.js');
  const bus = await connectNatsBus({ url });
  if (!bus.isConnected()) {
    await bus.close();
    throw new Error(`NATS at ${url} is not reachable`);
  }
  return bus;
}
