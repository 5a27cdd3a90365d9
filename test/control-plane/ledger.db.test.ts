import { describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { appendEvent, listEvents } from '../../src/control-plane/ledger.js';
import { claim, complete } from '../../src/control-plane/queue.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { useTestDatabase } from '../helpers/db.js';

describe('ledger', () => {
  const t = useTestDatabase();

  it('numbers events of a run gap-free under concurrent appenders, per run', async () => {
    const a = await submitCommand(t.db, { kind: 'ledger', input: {} });
    const b = await submitCommand(t.db, { kind: 'ledger', input: {} });
    const pool = t.url ? connectPostgres(t.url, { max: 8 }) : t.db;
    try {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          pool.transaction(async (tx) => {
            await appendEvent(tx, { runId: i % 2 ? a.runId : b.runId, type: 'progress', data: { i } });
            // A second statement in the same transaction keeps the run lock held a little longer.
            await tx.query('SELECT 1');
          }),
        ),
      );
    } finally {
      if (t.url) await pool.close();
    }
    for (const runId of [a.runId, b.runId]) {
      const events = await listEvents(t.db, runId, { afterSeq: 0, limit: 1000 });
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
      const last = await t.db.query<{ last_seq: number }>(`SELECT last_seq FROM runs WHERE id = $1`, [runId]);
      expect(last.rows[0]!.last_seq).toBe(22);
    }
  });

  it('a rolled-back append leaves no gap', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'ledger', input: {} });
    await t.db
      .transaction(async (tx) => {
        await appendEvent(tx, { runId, type: 'doomed' });
        throw new Error('roll back');
      })
      .catch(() => {});
    const e = await t.db.transaction((tx) => appendEvent(tx, { runId, type: 'kept', actor: 'me', data: { ok: true } }));
    expect(e).toMatchObject({ runId, seq: 3, type: 'kept', actor: 'me', data: { ok: true }, taskId: null });
    expect((await listEvents(t.db, runId)).map((x) => x.type)).toEqual(['run.queued', 'task.queued', 'kept']);
  });

  it('pages with afterSeq and limit', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'ledger-page', input: {} });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['ledger-page'], limit: 1, leaseSeconds: 30 });
    await complete(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: null });
    const all = await listEvents(t.db, runId, { afterSeq: 0, limit: 100 });
    expect(all.map((e) => e.type)).toEqual(['run.queued', 'task.queued', 'run.started', 'task.started', 'task.succeeded', 'run.succeeded']);
    const page = await listEvents(t.db, runId, { afterSeq: 2, limit: 2 });
    expect(page.map((e) => e.seq)).toEqual([3, 4]);
    expect(await listEvents(t.db, 'not-a-uuid', { afterSeq: 0, limit: 5 })).toEqual([]);
  });
});
