import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKey } from '../access/admin-key.js';
import { echoRoundTrip, killAll, startCli, within } from '../api/spawn-cli.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../helpers/db.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';

/**
 * One run, one trace, across processes: `syntra server` and `syntra worker` (separate processes
 * on one PostgreSQL, NATS when NATS_URL is set) export over OTLP/HTTP to a loopback receiver; the
 * submit and outbox spans of the API and the task span of the worker share one trace id, the
 * worker's task span a child of the API's submit span (the traceparent stored with the run's
 * queue item by migration 065 and carried in the wakeup).
 */
const onPostgres = testBackend() === 'postgres';
let testDb: TestDatabase | undefined;
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  if (onPostgres) testDb = await createTestDatabase();
});
afterAll(async () => {
  killAll();
  await receiver?.close();
  await testDb?.drop();
});

describe.skipIf(!onPostgres)('OpenTelemetry traces over OTLP/HTTP', () => {
  it('a run submitted to the server and run by a separate worker is one trace; the worker counts it on its metrics port', async () => {
    const env = {
      DATABASE_URL: testDb!.url!,
      NATS_URL: process.env.NATS_URL ?? '',
      SYNTRA_PORT: '0',
      SYNTRA_POLL_INTERVAL_MS: '200',
      SYNTRA_MASTER_KEY: 'the tracing test master key, 32+ characters long',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const server = startCli(['server'], env);
    const worker = startCli(['worker', '--concurrency', '2', '--metrics-port', '0'], env);
    const url = await server.waitForLine(/listening: (http:\/\/\S+)/, 60_000);
    await worker.waitForLine(/(Syntra worker running)/, 60_000);
    const workerMetrics = await worker.waitForLine(/Metrics: (http:\/\/\S+)/, 10_000);

    const { headers } = await createTestKey(testDb!.db);
    expect(await echoRoundTrip(url, 'traced', headers)).toEqual({ message: 'traced' });

    const named = (spans: ReceivedSpan[], service: string, name: string) => spans.find((s) => s.service === service && s.name === name);
    const spans = await receiver.waitFor((s) => Boolean(named(s, 'syntra-api', 'syntra.submit') && named(s, 'syntra-worker', 'syntra.task echo')), 30_000);
    const submit = named(spans, 'syntra-api', 'syntra.submit')!;
    const task = named(spans, 'syntra-worker', 'syntra.task echo')!;
    expect(submit.parentSpanId).toBe('');
    expect(submit.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(task.traceId).toBe(submit.traceId);
    expect(task.parentSpanId).toBe(submit.spanId);
    expect(task.attributes['syntra.run.id']).toBe(submit.attributes['syntra.run.id']);
    // The relay publishing the wakeup, in the API process, under the same trace.
    const published = await receiver.waitFor((s) => s.some((x) => x.name === 'syntra.outbox.publish' && x.traceId === submit.traceId), 10_000);
    expect(published.find((x) => x.name === 'syntra.outbox.publish' && x.traceId === submit.traceId)!.service).toBe('syntra-api');
    if (process.env.NATS_URL) {
      // The wakeup travelled over NATS with the trace context in its payload.
      await receiver.waitFor((s) => s.some((x) => x.name === 'syntra.wakeup' && x.service === 'syntra-worker' && x.traceId === submit.traceId), 10_000);
    }

    // The worker's own counters, on its metrics port (no credential; the install keeps it in-cluster).
    const counters = await (await fetch(workerMetrics)).text();
    expect(counters).toMatch(/^syntra_queue_claims_total\{task_type="echo"\} 1$/m);
    expect(counters).toMatch(/^syntra_queue_completions_total 1$/m);
    expect(counters).toMatch(/^syntra_run_duration_seconds_count\{kind="echo",status="succeeded"\} 1$/m);
    expect((await fetch(workerMetrics.replace('/metrics', '/v1/runs'))).status).toBe(404);

    worker.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect(await within(worker.exited, 30_000, 'worker exit')).toBe(0);
    expect(await within(server.exited, 30_000, 'server exit')).toBe(0);
  }, 120_000);
});
