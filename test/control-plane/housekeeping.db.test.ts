import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { pruneFinished, startHousekeeping } from '../../src/control-plane/housekeeping.js';
import { claim, complete, fail } from '../../src/control-plane/queue.js';
import { startRelay } from '../../src/control-plane/relay.js';
import { getRun } from '../../src/control-plane/runs.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { waitFor } from '../helpers/bus.js';
import { eventTypes, submitMany } from './queue-helpers.js';

const count = async (db: Database, sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;

/** Ages finished rows as if they had finished an hour ago (what the clock would do). */
async function ageAnHour(db: Database, runIds: string[]): Promise<void> {
  await db.query(`UPDATE tasks SET finished_at = now() - interval '1 hour' WHERE finished_at IS NOT NULL AND run_id = ANY($1::uuid[])`, [runIds]);
  await db.query(`UPDATE outbox SET relayed_at = now() - interval '1 hour' WHERE relayed_at IS NOT NULL AND payload->>'runId' = ANY($1::text[])`, [runIds]);
}

describe('housekeeping of relayed outbox rows and done queue items', () => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
  });
  afterAll(async () => {
    await t.drop();
  });

  it('deletes only finished rows older than the window, in batches, and keeps the history', async () => {
    const bus = createInProcessBus();
    const [doneOld, doneOld2, deadOld, waiting, doneRecent] = await submitMany(db, 5, { kind: 'hk', maxAttempts: 1 });
    const relay = startRelay({ db, bus, intervalMs: 60_000 });
    await relay.drainOnce();
    await relay.stop();
    // The fifth run's outbox row stays pending: a row the relay has not published must survive.
    await db.query(`UPDATE outbox SET relayed_at = NULL WHERE payload->>'runId' = $1`, [waiting]);

    const items = await claim(db, { workerId: 'hk', taskTypes: ['hk'], limit: 5, leaseSeconds: 30 });
    const byRun = new Map(items.map((i) => [i.runId, i]));
    for (const runId of [doneOld!, doneOld2!, doneRecent!]) {
      const it = byRun.get(runId)!;
      await complete(db, { queueItemId: it.queueItemId, leaseToken: it.leaseToken, output: { ok: true } });
    }
    const dead = byRun.get(deadOld!)!;
    expect((await fail(db, { queueItemId: dead.queueItemId, leaseToken: dead.leaseToken, error: { code: 'boom', message: 'boom' } })).dead).toBe(true);
    const leased = byRun.get(waiting!)!;

    await ageAnHour(db, [doneOld!, doneOld2!, deadOld!, waiting!]);
    const ledgerBefore = await eventTypes(db, doneOld!);

    const pruned = await pruneFinished(db, { keepMs: 10 * 60_000, batch: 1 });
    expect(pruned).toEqual({ outbox: 3, queueItems: 2 });

    const left = await db.query<{ run_id: string; state: string }>(`SELECT run_id, state FROM queue_items ORDER BY run_id`);
    expect(left.rows.map((r) => [r.run_id, r.state]).sort()).toEqual(
      [
        [deadOld, 'dead'],
        [waiting, 'leased'],
        [doneRecent, 'done'],
      ].sort(),
    );
    expect(await count(db, `SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)).toBe(1);
    expect(await count(db, `SELECT count(*)::int AS n FROM outbox WHERE payload->>'runId' = $1`, [doneRecent])).toBe(1);
    // History is untouched: the run, its task and its ledger still answer.
    expect((await getRun(db, doneOld!))?.run.status).toBe('succeeded');
    expect(await eventTypes(db, doneOld!)).toEqual(ledgerBefore);
    expect(await count(db, `SELECT count(*)::int AS n FROM tasks WHERE run_id = ANY($1::uuid[])`, [[doneOld, doneOld2]])).toBe(2);
    // The leased item is still completable.
    expect((await complete(db, { queueItemId: leased.queueItemId, leaseToken: leased.leaseToken, output: null })).outcome).toBe('completed');
    expect(await pruneFinished(db, { keepMs: 10 * 60_000 })).toEqual({ outbox: 0, queueItems: 0 });
  });

  it('runs as a loop until stopped', async () => {
    const [runId] = await submitMany(db, 1, { kind: 'hk-loop' });
    await db.query(`UPDATE outbox SET relayed_at = now() - interval '1 hour' WHERE payload->>'runId' = $1`, [runId]);
    const loop = startHousekeeping({ db, intervalMs: 20, keepMs: 60_000 });
    try {
      await waitFor(async () => (await count(db, `SELECT count(*)::int AS n FROM outbox WHERE payload->>'runId' = $1`, [runId])) === 0, 'the relayed row to be pruned');
    } finally {
      await loop.stop();
    }
  });
});
