import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { claim, complete } from '../../src/control-plane/queue.js';
import { startRelay } from '../../src/control-plane/relay.js';
import { currentTraceparent, inSpan } from '../../src/telemetry/spans.js';
import { startTracing } from '../../src/telemetry/tracing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';

/**
 * Where the trace context lives between processes (migration 065), on PGlite and PostgreSQL:
 * the submit stores it with the run, its first queue item and its wakeup row; a later task's
 * item is claimed with the run's; the relay's wakeups carry it. With tracing off, nothing is stored.
 */
let t: TestDatabase;
let receiver: OtlpReceiver;
beforeAll(async () => {
  t = await createTestDatabase();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await t?.drop();
});

const args = (types: string[]) => ({ workerId: 'w1', taskTypes: types, limit: 1, leaseSeconds: 30 });

describe('trace context in the database', () => {
  it('stores nothing while tracing is off', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'tc_off', input: {} });
    const rows = await t.db.query<{ r: string | null; q: string | null; o: string | null }>(
      `SELECT r.trace_parent AS r, q.trace_parent AS q, (SELECT o.trace_parent FROM outbox o WHERE o.payload->>'runId' = $2) AS o
         FROM runs r JOIN queue_items q ON q.run_id = r.id WHERE r.id = $1::uuid`,
      [runId, runId],
    );
    expect(rows.rows).toEqual([{ r: null, q: null, o: null }]);
    const [item] = await claim(t.db, args(['tc_off']));
    expect(item!.traceParent).toBeUndefined();
  });

  it('carries the submit span to the first task, a follow-up task and the wakeups', async () => {
    const stop = await startTracing('syntra-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    try {
      let parent = '';
      const { runId } = await inSpan('client request', {}, async () => {
        const r = await submitCommand(t.db, { kind: 'tc_first', input: {} });
        parent = currentTraceparent()!;
        return r;
      });
      // The first task: its own stored context, the submit span's (a child of the request span).
      const [first] = await claim(t.db, args(['tc_first']));
      expect(first!.runId).toBe(runId);
      const traceId = parent.split('-')[1]!;
      expect(first!.traceParent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(first!.traceParent).not.toBe(parent);

      await complete(t.db, { queueItemId: first!.queueItemId, leaseToken: first!.leaseToken, output: {}, followUps: [{ taskType: 'tc_next', input: {} }] });
      const [next] = await claim(t.db, args(['tc_next']));
      expect(next!.runId).toBe(runId);
      expect(next!.traceParent).toBe(first!.traceParent);

      // The relay drains the table (nothing announced in this process): the wakeup row of the
      // submit carries the context; the follow-up's falls back to none (its task uses the run's).
      const bus = createInProcessBus();
      const seen: unknown[] = [];
      bus.subscribe('syntra.wake.>', (_s, payload) => seen.push(payload));
      const relay = startRelay({ db: t.db, bus, intervalMs: 20 });
      try {
        for (let i = 0; i < 100 && !seen.some((p) => (p as { runId?: string }).runId === runId); i++) await new Promise((r) => setTimeout(r, 20));
      } finally {
        await relay.stop();
        await bus.close();
      }
      const wakeups = seen.filter((p) => (p as { runId?: string }).runId === runId) as Array<{ traceparent?: string }>;
      expect(wakeups.map((w) => w.traceparent)).toContain(first!.traceParent);
    } finally {
      await stop();
    }
  });
});
