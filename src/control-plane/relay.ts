import { markSpan, traceparentOf, tracingEnabled } from '../telemetry/spans.js';
import { performance } from 'node:perf_hooks';
import type { Database, Queryable } from '../db/database.js';
import { errorMessage } from '../domain/errors.js';
import type { Bus } from '../bus/bus.js';
import { onOutboxRows, type CommittedOutboxRow } from './outbox-signal.js';

/**
 * The outbox relay: publishes committed outbox rows to the bus and marks them relayed.
 *
 * On PostgreSQL the batch is taken with FOR UPDATE SKIP LOCKED inside a transaction held while
 * publishing, so any number of replicas relay disjoint rows and a crash mid-batch leaves the
 * rows pending (at-least-once; a duplicate wakeup only causes an empty claim). PGlite is one
 * process with one connection, where holding a transaction across bus I/O would stall every
 * query: there rows are read, published, then marked.
 *
 * When the bus is down, rows stay pending and the loop backs off; it drains once the bus is back.
 * Rows committed in this process wake the loop at once (outbox-signal), others by the poll.
 * Delivery stays at-least-once either way: a row is marked only after its publish succeeded.
 */
export interface RelayOptions {
  db: Database;
  bus: Bus;
  signal?: AbortSignal;
  intervalMs: number;
  batchSize?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface Relay {
  /** Stops the loop and waits for the batch in flight. */
  stop(): Promise<void>;
  /** One pass over pending rows (up to one batch); resolves to how many were relayed. */
  drainOnce(): Promise<number>;
  /** Resolves when the loop has ended. */
  readonly done: Promise<void>;
}

interface OutboxRow {
  id: number;
  topic: string;
  payload: unknown;
}

const MAX_BACKOFF_MS = 10_000;
const taken = new WeakSet<object>();
const MARK_DELAY_MS = 50;

async function publishAll(bus: Bus, rows: OutboxRow[]): Promise<number[]> {
  const results = await Promise.allSettled(rows.map((r) => bus.publish(r.topic, r.payload)));
  const ok = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id);
  if (tracingEnabled()) {
    for (const r of rows.filter((_, i) => results[i]!.status === 'fulfilled')) {
      markSpan('syntra.outbox.publish', { 'messaging.destination.name': r.topic, 'syntra.outbox.id': r.id }, traceparentOf(r.payload), 'producer');
    }
  }
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed && ok.length === 0) throw failed.reason;
  return ok;
}

async function markRelayed(q: Queryable, ids: number[]): Promise<void> {
  if (ids.length > 0) await q.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}

export function startRelay(o: RelayOptions): Relay {
  const batch = o.batchSize ?? 256;
  const log = o.log ?? (() => {});
  const stopper = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stopper.signal]) : stopper.signal;

  async function drainOnce(): Promise<number> {
    if (!o.bus.isConnected()) return 0;
    // A wakeup of a traced run carries the run's trace context (migration 065) to the workers.
    const select = `SELECT id, topic,
        CASE WHEN trace_parent IS NOT NULL AND jsonb_typeof(payload) = 'object' THEN payload || jsonb_build_object('traceparent', trace_parent) ELSE payload END AS payload
      FROM outbox WHERE relayed_at IS NULL ORDER BY id LIMIT ${batch}`;
    if (o.db.dialect === 'pglite') {
      const rows = (await o.db.query<OutboxRow>(select)).rows;
      if (rows.length === 0) return 0;
      const ok = await publishAll(o.bus, rows);
      await markRelayed(o.db, ok);
      return ok.length;
    }
    return o.db.transaction(async (tx) => {
      const rows = (await tx.query<OutboxRow>(`${select} FOR UPDATE SKIP LOCKED`)).rows;
      if (rows.length === 0) return 0;
      const ok = await publishAll(o.bus, rows);
      await markRelayed(tx, ok);
      return ok.length;
    });
  }

  // Rows committed in this process and announced with their content (submit does that) are
  // published straight away, with no read-back first: that is what the submit→claim latency
  // waits for. Their marks are written MARK_DELAY_MS later, batched, so that commit does not
  // compete with the claim the wakeup triggers. Anything else (a bare signal, the poll, a
  // failure) drains the table, after the pending marks are written.
  const announced: CommittedOutboxRow[] = [];
  let toMark: number[] = [];
  let toMarkSince = 0;
  let drainWanted = true;
  let nextPollAt = 0;

  async function publishAnnounced(): Promise<void> {
    const rows = announced.splice(0, batch);
    if (rows.length === 0) return;
    if (!o.bus.isConnected()) {
      drainWanted = true;
      return;
    }
    let ok: number[];
    try {
      ok = await publishAll(o.bus, rows);
    } catch (e) {
      drainWanted = true;
      throw e;
    }
    if (ok.length < rows.length) drainWanted = true;
    if (toMark.length === 0) toMarkSince = performance.now();
    toMark.push(...ok);
  }

  async function flushMarks(): Promise<void> {
    const ids = toMark;
    toMark = [];
    // `relayed_at IS NULL`: a replica that drained the same row meanwhile keeps its mark (it
    // published too: a duplicate wakeup costs one empty claim).
    await o.db.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[]) AND relayed_at IS NULL`, [ids]);
  }

  let kick: (() => void) | undefined;
  let kicked = false;
  const wake = () => {
    kicked = true;
    kick?.();
  };
  const offSignal = onOutboxRows((rows) => {
    if (!rows || rows.length === 0) drainWanted = true;
    for (const row of rows ?? []) {
      // Several relays in one process: the first takes the row, the others' drains skip it.
      if (taken.has(row)) continue;
      taken.add(row);
      announced.push(row);
    }
    wake();
  });
  signal.addEventListener('abort', wake, { once: true });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (kicked || signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        kick = undefined;
        resolve();
      }
      kick = done;
    });

  const loop = (async () => {
    let failures = 0;
    while (!signal.aborted) {
      kicked = false;
      let more = false;
      try {
        await publishAnnounced();
        if (performance.now() >= nextPollAt) drainWanted = true;
        const markDue = drainWanted || toMark.length >= batch || performance.now() - toMarkSince >= MARK_DELAY_MS;
        if (toMark.length > 0 && markDue) await flushMarks();
        if (drainWanted) {
          drainWanted = false;
          more = (await drainOnce()) >= batch;
          nextPollAt = performance.now() + o.intervalMs * (0.8 + Math.random() * 0.4);
        }
        // Working again after failures: back to the normal poll pace, not the rest of the backoff.
        if (failures > 0) nextPollAt = Math.min(nextPollAt, performance.now() + o.intervalMs);
        failures = 0;
      } catch (e) {
        failures++;
        drainWanted = true;
        const backoff = Math.min(MAX_BACKOFF_MS, o.intervalMs * 2 ** Math.min(failures - 1, 6));
        nextPollAt = performance.now() + backoff * (0.8 + Math.random() * 0.4);
        log('warn', `outbox relay: ${errorMessage(e)}; retrying`);
      }
      if (signal.aborted) break;
      if (failures === 0 && (more || announced.length > 0)) continue;
      let wait = Math.max(0, nextPollAt - performance.now());
      if (toMark.length > 0) wait = Math.min(wait, Math.max(0, toMarkSince + MARK_DELAY_MS - performance.now()));
      // While backing off after failures, a new row must not short-circuit the backoff.
      if (failures > 0) kicked = false;
      await sleep(wait);
    }
    // Published but not yet marked: mark now, or they are published again after a restart.
    if (toMark.length > 0) await flushMarks().catch(() => {});
  })().finally(offSignal);

  return {
    async stop() {
      stopper.abort();
      await loop;
    },
    drainOnce,
    done: loop,
  };
}
