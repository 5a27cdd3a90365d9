import { once } from 'node:events';
import type { PassThrough } from 'node:stream';
import { listEvents } from '../control-plane/ledger.js';
import type { Database } from '../db/database.js';
import type { Wakeup } from './wakeup.js';

/**
 * Pumps a run's ledger into a Server-Sent Events stream: first everything after `afterSeq`,
 * then new events as they commit, until the run is terminal (final `end` event) or the signal
 * aborts (client gone, server closing).
 *
 * Ending is race-free because a run's status change and its ledger event commit together:
 * the status is read BEFORE the events, so once a terminal status is seen, the events read
 * right after include everything the run will ever append.
 */
export interface EventStreamOptions {
  db: Database;
  runId: string;
  afterSeq: number;
  /** Current run status, or undefined when the run vanished. */
  runStatus: () => Promise<string | undefined>;
  isTerminal: (status: string) => boolean;
  wakeup: Wakeup;
  pollMs: number;
  heartbeatMs: number;
  signal: AbortSignal;
}

const BATCH = 200;

/** One SSE field line; strips newlines that would otherwise split the field. */
const field = (name: string, value: string) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}\n`;

async function write(out: PassThrough, chunk: string, signal: AbortSignal): Promise<void> {
  if (out.destroyed || out.writableEnded) return;
  if (out.write(chunk)) return;
  await once(out, 'drain', { signal }).catch(() => {});
}

export async function pumpRunEvents(out: PassThrough, o: EventStreamOptions): Promise<void> {
  const heartbeat = setInterval(() => {
    if (!out.destroyed && !out.writableEnded) out.write(': heartbeat\n\n');
  }, o.heartbeatMs);
  try {
    // Tells EventSource how soon to reconnect, and gets the headers to the client right away.
    await write(out, 'retry: 2000\n\n', o.signal);
    let after = o.afterSeq;
    while (!o.signal.aborted) {
      const status = await o.runStatus();
      let batch;
      do {
        batch = await listEvents(o.db, o.runId, { afterSeq: after, limit: BATCH });
        for (const event of batch) {
          if (o.signal.aborted) return;
          await write(out, field('id', String(event.seq)) + field('event', event.type) + field('data', JSON.stringify(event)) + '\n', o.signal);
          after = event.seq;
        }
      } while (batch.length === BATCH && !o.signal.aborted);
      if (status === undefined || o.isTerminal(status)) {
        await write(out, field('event', 'end') + field('data', JSON.stringify({ runId: o.runId, status: status ?? 'unknown' })) + '\n', o.signal);
        return;
      }
      await o.wakeup.wait(o.pollMs, o.signal);
    }
  } finally {
    clearInterval(heartbeat);
    o.wakeup.close();
    if (!out.destroyed && !out.writableEnded) out.end();
  }
}
