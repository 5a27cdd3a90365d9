import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../src/bus/in-process.js';
import type { Bus } from '../../src/bus/bus.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { startRelay } from '../../src/control-plane/relay.js';
import { connectPostgres } from '../../src/db/postgres.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../helpers/db.js';
import { createTestBus, waitFor } from '../helpers/bus.js';

const pending = async (db: Database) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)).rows[0]!.n;

describe('outbox relay', () => {
  let t: TestDatabase;
  let db: Database;
  let bus: Bus;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    bus = await createTestBus();
  });
  afterAll(async () => {
    await bus.close();
    await t.drop();
  });

  it('publishes committed rows and marks them relayed', async () => {
    const got: string[] = [];
    const off = bus.subscribe('syntra.wake.>', (_s, p) => got.push((p as { runId: string }).runId));
    const { runId } = await submitCommand(db, { kind: 'relay-a', input: {} });
    const relay = startRelay({ db, bus, intervalMs: 60_000 });
    try {
      await waitFor(async () => (await pending(db)) === 0, 'rows to be relayed');
      await waitFor(() => got.includes(runId), 'the wakeup to arrive');
    } finally {
      await relay.stop();
      off();
    }
  });

  it('wakes at once on a submit in this process, not after its poll interval', async () => {
    const relay = startRelay({ db, bus, intervalMs: 60_000 });
    const got: string[] = [];
    const off = bus.subscribe('syntra.wake.relay-b', (_s, p) => got.push((p as { runId: string }).runId));
    try {
      await waitFor(async () => (await pending(db)) === 0, 'an idle relay');
      const { runId } = await submitCommand(db, { kind: 'relay-b', input: {} });
      // The poll interval is a minute; only the in-process signal can deliver within the wait.
      await waitFor(() => got.includes(runId), 'the signalled wakeup', 5000);
    } finally {
      await relay.stop();
      off();
    }
  });

  it('leaves rows pending while the bus is down and drains them once it is back', async () => {
    const down = createInProcessBus();
    await down.close();
    const relay = startRelay({ db, bus: down, intervalMs: 20 });
    await submitCommand(db, { kind: 'relay-c', input: {} });
    await submitCommand(db, { kind: 'relay-c', input: {} });
    expect(await relay.drainOnce()).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(await pending(db)).toBe(2);
    await relay.stop();

    const up = createInProcessBus();
    const got: string[] = [];
    up.subscribe('syntra.wake.relay-c', (s) => got.push(s));
    const back = startRelay({ db, bus: up, intervalMs: 20 });
    try {
      await waitFor(async () => (await pending(db)) === 0, 'the backlog to drain');
      await waitFor(() => got.length === 2, 'both wakeups');
    } finally {
      await back.stop();
    }
  });

  it.skipIf(testBackend() !== 'postgres')('several replicas relay disjoint rows (each row published once)', async () => {
    const shared = createInProcessBus();
    const got: string[] = [];
    shared.subscribe('syntra.wake.relay-d', (_s, p) => got.push((p as { runId: string }).runId));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await submitCommand(db, { kind: 'relay-d', input: { i } })).runId);
    const pools = Array.from({ length: 3 }, () => connectPostgres(t.url!, { max: 2 }));
    const relays = pools.map((p) => startRelay({ db: p, bus: shared, intervalMs: 5, batchSize: 4 }));
    try {
      await waitFor(async () => (await pending(db)) === 0, 'all rows relayed');
      await waitFor(() => got.length >= 30, 'all wakeups');
      await new Promise((r) => setTimeout(r, 50));
      expect(got.sort()).toEqual(ids.sort());
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await Promise.all(pools.map((p) => p.close()));
    }
  });
});
