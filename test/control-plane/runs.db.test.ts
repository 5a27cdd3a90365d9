import { describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { claim, complete, fail, renew } from '../../src/control-plane/queue.js';
import { cancelRun, getRun, listRuns } from '../../src/control-plane/runs.js';
import { SyntraError } from '../../src/domain/errors.js';
import { useTestDatabase } from '../helpers/db.js';
import { runStatus } from './queue-helpers.js';

const codeOf = (e: unknown) => (e instanceof SyntraError ? e.code : String(e));

describe('runs: read, list, cancel', () => {
  const t = useTestDatabase();

  it('getRun is null for unknown or malformed ids', async () => {
    expect(await getRun(t.db, '01900000-0000-7000-8000-000000000000')).toBeNull();
    expect(await getRun(t.db, 'nope')).toBeNull();
  });

  it('lists newest first with filters and a keyset cursor that neither skips nor repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await submitCommand(t.db, { kind: i % 2 ? 'list-b' : 'list-a', input: { i }, namespace: i < 4 ? 'ns1' : 'ns2' })).runId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: Awaited<ReturnType<typeof listRuns>> = await listRuns(t.db, { limit: 3, namespaces: ['ns1', 'ns2'], ...(cursor ? { cursor } : {}) });
      seen.push(...res.items.map((r) => r.id));
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...ids].reverse());

    const onlyB = await listRuns(t.db, { kind: 'list-b', limit: 50 });
    expect(onlyB.items.map((r) => r.id).sort()).toEqual([ids[1], ids[3], ids[5]].sort());
    expect(onlyB.nextCursor).toBeNull();
    const ns1 = await listRuns(t.db, { namespaces: ['ns1'], limit: 50 });
    expect(ns1.items).toHaveLength(4);
    expect(await listRuns(t.db, { namespaces: [], limit: 50 })).toEqual({ items: [], nextCursor: null });
    const future = await listRuns(t.db, { since: new Date(Date.now() + 60_000), limit: 50 });
    expect(future.items).toEqual([]);
    const queued = await listRuns(t.db, { status: 'queued', kind: 'list-a', limit: 50 });
    expect(queued.items).toHaveLength(4);
  });

  it('rejects a cursor it did not issue with bad_request', async () => {
    for (const cursor of ['garbage', Buffer.from('[1,"x"]').toString('base64url'), '']) {
      if (cursor === '') continue;
      expect(codeOf(await listRuns(t.db, { cursor, limit: 5 }).catch((e) => e))).toBe('bad_request');
    }
  });

  it('cancel: pending items are cancelled, claim never hands them out, the run is cancelled', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'cancel-me', input: {} });
    const run = await cancelRun(t.db, runId, { actor: 'bob', reason: 'no longer needed' });
    expect(run).toMatchObject({ id: runId, status: 'cancelled' });
    expect(run.finishedAt).toBeInstanceOf(Date);
    expect(await claim(t.db, { workerId: 'w', taskTypes: ['cancel-me'], limit: 5, leaseSeconds: 30 })).toEqual([]);
    const detail = (await getRun(t.db, runId))!;
    expect(detail.tasks[0]!.status).toBe('cancelled');
    const last = detail.events[detail.events.length - 1]!;
    expect(last).toMatchObject({ type: 'run.cancelled', actor: 'bob', data: { reason: 'no longer needed' } });
    const outbox = await t.db.query<{ topic: string }>(`SELECT topic FROM outbox ORDER BY id DESC LIMIT 1`);
    expect(outbox.rows[0]!.topic).toBe(`syntra.run.${runId}.cancel`);
  });

  it('cancel of a running task: its complete/fail/renew answer cleanly and nothing is resurrected', async () => {
    const a = await submitCommand(t.db, { kind: 'cancel-running', input: {} });
    const b = await submitCommand(t.db, { kind: 'cancel-running', input: {} });
    const items = await claim(t.db, { workerId: 'w', taskTypes: ['cancel-running'], limit: 2, leaseSeconds: 30 });
    const itemA = items.find((i) => i.runId === a.runId)!;
    const itemB = items.find((i) => i.runId === b.runId)!;
    await cancelRun(t.db, a.runId);
    await cancelRun(t.db, b.runId);
    expect(codeOf(await renew(t.db, { queueItemId: itemA.queueItemId, leaseToken: itemA.leaseToken, leaseSeconds: 30 }).catch((e) => e))).toBe('run_finished');
    const done = await complete(t.db, { queueItemId: itemA.queueItemId, leaseToken: itemA.leaseToken, output: 1, followUps: [{ taskType: 'x', input: {} }] });
    expect(done.outcome).toBe('run_finished');
    const failed = await fail(t.db, { queueItemId: itemB.queueItemId, leaseToken: itemB.leaseToken, error: { message: 'aborted' } });
    expect(failed.dead).toBe(true);
    expect(await runStatus(t.db, a.runId)).toBe('cancelled');
    expect(await runStatus(t.db, b.runId)).toBe('cancelled');
    const tasks = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE run_id = $1`, [a.runId]);
    expect(tasks.rows[0]!.n).toBe(1);
  });

  it('cancel of a finished run is run_finished; of an unknown run not_found', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'fin', input: {} });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['fin'], limit: 1, leaseSeconds: 30 });
    await complete(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: null });
    expect(codeOf(await cancelRun(t.db, runId).catch((e) => e))).toBe('run_finished');
    expect(codeOf(await cancelRun(t.db, '01900000-0000-7000-8000-000000000000').catch((e) => e))).toBe('not_found');
    expect(codeOf(await cancelRun(t.db, 'zzz').catch((e) => e))).toBe('not_found');
  });

  it('a dead task fails its run and cancels the run’s other open work', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'fan', input: {} });
    const [root] = await claim(t.db, { workerId: 'w', taskTypes: ['fan'], limit: 1, leaseSeconds: 30 });
    await complete(t.db, {
      queueItemId: root!.queueItemId,
      leaseToken: root!.leaseToken,
      output: null,
      followUps: [{ taskType: 'fan-a', input: {} }, { taskType: 'fan-b', input: {} }],
    });
    const [a] = await claim(t.db, { workerId: 'w', taskTypes: ['fan-a'], limit: 1, leaseSeconds: 30 });
    await fail(t.db, { queueItemId: a!.queueItemId, leaseToken: a!.leaseToken, error: { message: 'fatal', retryable: false } });
    expect(await runStatus(t.db, runId)).toBe('failed');
    expect(await claim(t.db, { workerId: 'w', taskTypes: ['fan-b'], limit: 1, leaseSeconds: 30 })).toEqual([]);
    const detail = (await getRun(t.db, runId))!;
    expect(detail.tasks.map((x) => [x.taskType, x.status])).toEqual([
      ['fan', 'succeeded'],
      ['fan-a', 'failed'],
      ['fan-b', 'cancelled'],
    ]);
  });
});
