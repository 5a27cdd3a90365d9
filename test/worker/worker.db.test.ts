import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../src/bus/bus.js';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { startRelay, type Relay } from '../../src/control-plane/relay.js';
import { cancelRun, getRun } from '../../src/control-plane/runs.js';
import type { Database } from '../../src/db/database.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { SyntraError } from '../../src/domain/errors.js';
import { createRegistry, TaskHandlerRegistry, type TaskHandler } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker, type WorkerOptions } from '../../src/worker/runtime.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../helpers/db.js';
import { startTcpProxy, viaProxy } from '../helpers/tcp-proxy.js';
import { createTestBus, waitFor } from '../helpers/bus.js';

/** A handler that runs until its AbortSignal fires (or `release()` is called), recording why it stopped. */
function holdHandler() {
  const state = { started: 0, reasons: [] as unknown[], release: () => {} };
  const handler: TaskHandler = (ctx) =>
    new Promise((resolve, reject) => {
      state.started++;
      state.release = () => resolve({ output: { released: true } });
      ctx.signal.addEventListener('abort', () => {
        state.reasons.push(ctx.signal.reason);
        reject(ctx.signal.reason);
      });
    });
  return { state, handler };
}

const reasonCode = (r: unknown) => (r instanceof SyntraError ? r.code : String(r));

describe('worker runtime', () => {
  let t: TestDatabase;
  let db: Database;
  let bus: Bus;
  let relay: Relay;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    bus = await createTestBus();
    relay = startRelay({ db, bus, intervalMs: 100 });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await relay.stop();
    await bus.close();
    await t.drop();
  });

  const start = (registry: TaskHandlerRegistry, o: Partial<WorkerOptions> = {}) => {
    const w = startWorker({ db, bus, registry, concurrency: 4, pollIntervalMs: 200, leaseSeconds: 30, shutdownGraceMs: 2000, abortGraceMs: 500, backoff: { baseMs: 20, capMs: 100 }, ...o });
    workers.push(w);
    return w;
  };
  const finished = (runId: string) =>
    waitFor(async () => {
      const d = await getRun(db, runId);
      return d && ['succeeded', 'failed', 'cancelled'].includes(d.run.status) ? d : undefined;
    }, `run ${runId} to finish`);

  it('runs an echo command to success', async () => {
    start(createRegistry());
    const { runId } = await submitCommand(db, { kind: 'echo', input: { message: 'hello' } });
    const d = await finished(runId);
    expect(d.run).toMatchObject({ status: 'succeeded', output: { message: 'hello' } });
  });

  it('claimAfter: no claim, by poll or by wakeup, until it settles; then the waiting run is claimed', async () => {
    let open = () => {};
    const claimAfter = new Promise<void>((resolve) => (open = resolve));
    start(createRegistry(), { claimAfter });
    const { runId } = await submitCommand(db, { kind: 'echo', input: { message: 'gated' } });
    // The relay publishes its wakeup within 100 ms and the worker polls every 200 ms: several chances to claim.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await getRun(db, runId))?.run.status).toBe('queued');
    open();
    const d = await finished(runId);
    expect(d.run).toMatchObject({ status: 'succeeded', output: { message: 'gated' } });
  });

  it('chains follow-up tasks (echo → echo → echo) and the run succeeds at the end', async () => {
    start(createRegistry());
    const { runId } = await submitCommand(db, { kind: 'echo', input: { step: 1, then: [{ step: 2 }, { step: 3 }] } });
    const d = await finished(runId);
    expect(d.run).toMatchObject({ status: 'succeeded', output: { step: 3 } });
    expect(d.tasks.map((x) => [x.taskType, x.status, x.input])).toEqual([
      ['echo', 'succeeded', { step: 1, then: [{ step: 2 }, { step: 3 }] }],
      ['echo', 'succeeded', { step: 2, then: [{ step: 3 }] }],
      ['echo', 'succeeded', { step: 3 }],
    ]);
    expect(d.events.map((e) => e.seq)).toEqual(d.events.map((_, i) => i + 1));
  });

  it('retries a failing handler with backoff, then succeeds', async () => {
    start(createRegistry());
    const { runId } = await submitCommand(db, { kind: 'sleep', input: { ms: 1, failTimes: 2 }, maxAttempts: 3 });
    const d = await finished(runId);
    expect(d.run.status).toBe('succeeded');
    expect(d.tasks[0]!.attempts).toBe(3);
    expect(d.events.filter((e) => e.type === 'task.retrying')).toHaveLength(2);
  });

  it('a non-retryable handler error fails the run at once', async () => {
    start(createRegistry());
    const { runId } = await submitCommand(db, { kind: 'sleep', input: { ms: 1, failTimes: 5, retryable: false }, maxAttempts: 5 });
    const d = await finished(runId);
    expect(d.run.status).toBe('failed');
    expect(d.run.error).toMatchObject({ code: 'handler_failed', retryable: false });
    expect(d.tasks[0]!.attempts).toBe(1);
  });

  it('cancelling a run aborts its running handler (AbortSignal fires)', async () => {
    const hold = holdHandler();
    start(new TaskHandlerRegistry().register('hold', hold.handler));
    const { runId } = await submitCommand(db, { kind: 'hold', input: {} });
    await waitFor(() => hold.state.started === 1, 'handler to start');
    await cancelRun(db, runId, { actor: 'test' });
    await waitFor(() => hold.state.reasons.length === 1, 'AbortSignal to fire');
    expect(reasonCode(hold.state.reasons[0])).toBe('cancelled');
    const d = (await getRun(db, runId))!;
    expect(d.run.status).toBe('cancelled');
    expect(d.tasks[0]!.status).toBe('cancelled');
  });

  it('with the bus down, a cancel still reaches the handler through lease renewal', async () => {
    const hold = holdHandler();
    const deadBus = createInProcessBus();
    await deadBus.close();
    start(new TaskHandlerRegistry().register('hold-nobus', hold.handler), { bus: deadBus, leaseSeconds: 1, pollIntervalMs: 50 });
    const { runId } = await submitCommand(db, { kind: 'hold-nobus', input: {} });
    await waitFor(() => hold.state.started === 1, 'handler to start by polling');
    await cancelRun(db, runId);
    await waitFor(() => hold.state.reasons.length === 1, 'abort via renew');
    expect(reasonCode(hold.state.reasons[0])).toBe('cancelled');
  });

  it('a task over its timeout is aborted and its attempt failed with code timeout', async () => {
    const hold = holdHandler();
    start(new TaskHandlerRegistry().register('hold-timeout', hold.handler));
    const { runId } = await submitCommand(db, { kind: 'hold-timeout', input: {}, timeoutSeconds: 1, maxAttempts: 1 });
    const d = await finished(runId);
    expect(reasonCode(hold.state.reasons[0])).toBe('timeout');
    expect(d.run.status).toBe('failed');
    expect(d.run.error).toMatchObject({ code: 'timeout' });
  });

  it('renews the lease while the handler runs, and aborts it when the lease is lost', async () => {
    const hold = holdHandler();
    start(new TaskHandlerRegistry().register('hold-lease', hold.handler), { leaseSeconds: 1 });
    await submitCommand(db, { kind: 'hold-lease', input: {} });
    await waitFor(() => hold.state.started === 1, 'handler to start');
    const first = await db.query<{ at: Date }>(`SELECT lease_expires_at AS at FROM queue_items WHERE task_type = 'hold-lease'`);
    await waitFor(async () => {
      const now = await db.query<{ at: Date }>(`SELECT lease_expires_at AS at FROM queue_items WHERE task_type = 'hold-lease'`);
      return now.rows[0]!.at.getTime() > first.rows[0]!.at.getTime();
    }, 'a lease renewal');
    expect(hold.state.reasons).toEqual([]);
    // Another worker took the item over (what a lease expiry and reclaim amount to).
    await db.query(`UPDATE queue_items SET lease_token = gen_random_uuid() WHERE task_type = 'hold-lease'`);
    await waitFor(() => hold.state.reasons.length === 1, 'abort on lease loss');
    expect(reasonCode(hold.state.reasons[0])).toBe('lease_lost');
  });

  it('graceful shutdown lets an in-flight handler finish within the grace period', async () => {
    const w = start(createRegistry(), { shutdownGraceMs: 10_000 });
    const { runId } = await submitCommand(db, { kind: 'sleep', input: { ms: 300 } });
    await waitFor(() => w.running === 1, 'the handler to start');
    await w.stop();
    expect(w.running).toBe(0);
    expect((await getRun(db, runId))!.run.status).toBe('succeeded');
  });

  it('shutdown past the grace period aborts the handler and releases its item for another worker', async () => {
    const hold = holdHandler();
    const w = start(new TaskHandlerRegistry().register('hold-stop', hold.handler), { shutdownGraceMs: 100 });
    const { runId } = await submitCommand(db, { kind: 'hold-stop', input: {}, maxAttempts: 1 });
    await waitFor(() => hold.state.started === 1, 'handler to start');
    await w.stop();
    expect(reasonCode(hold.state.reasons[0])).toBe('cancelled');
    const item = await db.query<{ state: string; attempts: number }>(`SELECT state, attempts FROM queue_items WHERE run_id = $1`, [runId]);
    expect(item.rows[0]).toEqual({ state: 'available', attempts: 0 });
    // Released without using its only attempt: the next worker runs it to success.
    start(new TaskHandlerRegistry().register('hold-stop', async () => ({ output: 'second worker' })));
    const d = await finished(runId);
    expect(d.run).toMatchObject({ status: 'succeeded', output: 'second worker' });
  });

  it('prefetch: claims ahead of its slots, starts waiting items as slots free, and releases unstarted ones on shutdown', async () => {
    const hold = holdHandler();
    const w = start(new TaskHandlerRegistry().register('hold-ahead', hold.handler), { concurrency: 1, prefetch: 2, shutdownGraceMs: 5000 });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await submitCommand(db, { kind: 'hold-ahead', input: { i } })).runId);
    const leased = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_items WHERE task_type = 'hold-ahead' AND state = 'leased'`)).rows[0]!.n;
    await waitFor(async () => (await leased()) === 3, 'all three items claimed (one running, two ahead)');
    expect(hold.state.started).toBe(1);
    expect(w.running).toBe(1);
    hold.state.release();
    await waitFor(() => hold.state.started === 2, 'the next waiting item to start in the freed slot');
    expect(w.running).toBe(1);
    const stopping = w.stop();
    // The waiting item goes back at once; the running one may still finish within the grace period.
    await waitFor(async () => {
      const r = await db.query<{ state: string }>(`SELECT state FROM queue_items WHERE task_type = 'hold-ahead' AND state = 'available'`);
      return r.rows.length === 1;
    }, 'the unstarted item to be released');
    hold.state.release();
    await stopping;
    expect(hold.state.started).toBe(2);
    // The released task is queued again with its attempt given back; the other two ran.
    const tasks = await Promise.all(runs.map(async (id) => (await getRun(db, id))!.tasks[0]!));
    expect(tasks.map((x) => [x.status, x.attempts]).sort()).toEqual([
      ['queued', 0],
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
  });

  it('handlers append ledger events while running; the events commit before completion', async () => {
    const seen: number[] = [];
    start(
      new TaskHandlerRegistry().register('progress', async (ctx) => {
        await ctx.appendEvent('progress', { pct: 50 });
        seen.push((await db.query(`SELECT 1 FROM ledger_events WHERE run_id = $1 AND type = 'progress'`, [ctx.item.runId])).rows.length);
        return { output: 'ok', events: [{ type: 'summary', data: { lines: 3 } }] };
      }),
    );
    const { runId } = await submitCommand(db, { kind: 'progress', input: {} });
    const d = await finished(runId);
    expect(seen).toEqual([1]);
    expect(d.events.map((e) => e.type)).toEqual(['run.queued', 'task.queued', 'run.started', 'task.started', 'progress', 'summary', 'task.succeeded', 'run.succeeded']);
  });

  // PGlite lives inside the process: only a server can go away underneath a worker.
  it.skipIf(testBackend() !== 'postgres')('rides out a database outage and completes, exactly once, the work submitted during it', async () => {
    const target = new URL(t.url!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const workerDb = connectPostgres(viaProxy(t.url!, proxy), { max: 2 });
    const warnings: string[] = [];
    try {
      start(createRegistry(), { db: workerDb, pollIntervalMs: 20, log: { info() {}, warn: (m) => warnings.push(m), error() {} } });
      const before = await submitCommand(db, { kind: 'echo', input: { n: 'before' } });
      expect((await finished(before.runId)).run.status).toBe('succeeded');

      proxy.cut();
      const during = await submitCommand(db, { kind: 'echo', input: { n: 'during' } });
      await waitFor(() => warnings.filter((m) => m.startsWith('claim failed')).length >= 2, 'claims to fail while the database is away');
      expect((await getRun(db, during.runId))?.run.status).toBe('queued');

      proxy.restore();
      const d = await finished(during.runId);
      expect(d.run.status).toBe('succeeded');
      expect(d.run.output).toEqual({ n: 'during' });
      expect(d.events.filter((e) => e.type === 'task.succeeded')).toHaveLength(1);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await workerDb.close();
      await proxy.close();
    }
  });
});
