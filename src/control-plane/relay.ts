import type { Database, Queryable } from '../db/database.js';
import { errorMessage } from '../domain/errors.js';
import type { Bus } from '../bus/bus.js';
import { onOutboxRows } from './outbox-signal.js';

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

async function publishAll(bus: Bus, rows: OutboxRow[]): Promise<number[]> {
  const results = await Promise.allSettled(rows.map((r) => bus.publish(r.topic, r.payload)));
  const ok = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id);
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
    const select = `SELECT id, topic, payload FROM outbox WHERE relayed_at IS NULL ORDER BY id LIMIT ${batch}`;
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

  let kick: (() => void) | undefined;
  let kicked = false;
  const wake = () => {
    kicked = true;
    kick?.();
  };
  const offSignal = onOutboxRows(wake);
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
      let relayed = 0;
      try {
        relayed = await drainOnce();
        failures = 0;
      } catch (e) {
        failures++;
        log('warn', `outbox relay: ${errorMessage(e)}; retrying`);
      }
      if (signal.aborted) break;
      if (relayed >= batch) continue;
      const backoff = failures > 0 ? Math.min(MAX_BACKOFF_MS, o.intervalMs * 2 ** Math.min(failures - 1, 6)) : o.intervalMs;
      // While backing off after failures, a new row must not short-circuit the backoff.
      if (failures > 0) kicked = false;
      await sleep(backoff * (0.8 + Math.random() * 0.4));
    }
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
