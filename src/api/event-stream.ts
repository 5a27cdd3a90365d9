import { once } from 'node:events';
import type { PassThrough } from 'node:stream';
import type { RunEventHub } from './run-event-hub.js';

/**
 * Writes a run's ledger into a Server-Sent Events stream: first everything after `afterSeq`,
 * then new events as the process's hub delivers them, until the run is terminal (final `end`
 * event) or the signal aborts (client gone, server closing). Ordering, race-free ending and
 * backpressure are the hub's (run-event-hub.ts): a write waiting for a slow client only holds
 * up this stream.
 */
export interface EventStreamOptions {
  hub: RunEventHub;
  runId: string;
  afterSeq: number;
  heartbeatMs: number;
  signal: AbortSignal;
}

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
    for await (const item of o.hub.follow(o.runId, o.afterSeq, o.signal)) {
      if (item.kind === 'end') {
        await write(out, field('event', 'end') + field('data', JSON.stringify({ runId: o.runId, status: item.status })) + '\n', o.signal);
        return;
      }
      const { event } = item;
      await write(out, field('id', String(event.seq)) + field('event', event.type) + field('data', JSON.stringify(event)) + '\n', o.signal);
    }
  } finally {
    clearInterval(heartbeat);
    if (!out.destroyed && !out.writableEnded) out.end();
  }
}
