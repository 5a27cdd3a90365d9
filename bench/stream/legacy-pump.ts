import { once } from 'node:events';
import type { PassThrough } from 'node:stream';
import { listenForWakeups } from '../../src/api/wakeup.js';
import type { Bus } from '../../src/bus/bus.js';
import { runEventsSubject } from '../../src/bus/subjects.js';
import { listEvents } from '../../src/control-plane/ledger.js';
import { getRunStatus } from '../../src/control-plane/runs.js';
import { TERMINAL_RUN_STATUSES, type RunStatus } from '../../src/control-plane/types.js';
import type { Database } from '../../src/db/database.js';

/**
 * The SSE pump before the run event hub, kept runnable for `bench stream` only (the "before"
 * rows): every stream subscribes to its run's subject and, on each notification or poll, reads
 * the run status and its new events itself.
 */
const BATCH = 200;
const field = (name: string, value: string) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}\n`;

async function write(out: PassThrough, chunk: string, signal: AbortSignal): Promise<void> {
  if (out.destroyed || out.writableEnded) return;
  if (out.write(chunk)) return;
  await once(out, 'drain', { signal }).catch(() => {});
}

export async function legacyPump(out: PassThrough, o: { db: Database; bus: Bus; runId: string; afterSeq: number; pollMs: number; signal: AbortSignal }): Promise<void> {
  const wakeup = listenForWakeups(o.bus, [runEventsSubject(o.runId)]);
  try {
    await write(out, 'retry: 2000\n\n', o.signal);
    let after = o.afterSeq;
    while (!o.signal.aborted) {
      const status = (await getRunStatus(o.db, o.runId))?.status;
      let batch;
      do {
        batch = await listEvents(o.db, o.runId, { afterSeq: after, limit: BATCH });
        for (const event of batch) {
          if (o.signal.aborted) return;
          await write(out, field('id', String(event.seq)) + field('event', event.type) + field('data', JSON.stringify(event)) + '\n', o.signal);
          after = event.seq;
        }
      } while (batch.length === BATCH && !o.signal.aborted);
      if (status === undefined || TERMINAL_RUN_STATUSES.has(status as RunStatus)) return;
      await wakeup.wait(o.pollMs, o.signal);
    }
  } finally {
    wakeup.close();
    if (!out.destroyed && !out.writableEnded) out.end();
  }
}
