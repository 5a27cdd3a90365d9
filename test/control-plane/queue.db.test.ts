import { describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { claim, complete, completeMany, completeManyAndClaim, fail, release, renew } from '../../src/control-plane/queue.js';
import { getRun } from '../../src/control-plane/runs.js';
import { SyntraError } from '../../src/domain/errors.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { useTestDatabase } from '../helpers/db.js';
import { eventTypes, expireLease, makeDue, runStatus, submitMany } from './queue-helpers.js';

const codeOf = (e: unknown) => (e instanceof SyntraError ? e.code : String(e));

describe('leased queue', () => {
  const t = useTestDatabase();

  it('N concurrent claimers never double-claim M items', async () => {
    const M = 60;
    const N = 6;
    await submitMany(t.db, M, { kind: 'race' });
    // On PostgreSQL each claimer gets its own pool, so claims truly overlap; PGlite serialises them.
    const pools = t.url ? Array.from({ length: 3 }, () => connectPostgres(t.url!, { max: 4 })) : [t.db];
    try {
      const claimed: string[] = [];
      await Promise.all(
        Array.from({ length: N }, async (_, w) => {
          for (let round = 0; round < 50; round++) {
            const items = await claim(pools[w % pools.length]!, { workerId: `w${w}`, taskTypes: ['race'], limit: 3, leaseSeconds: 30 });
            if (items.length === 0) return;
            claimed.push(...items.map((i) => i.queueItemId));
          }
        }),
      );
      expect(claimed).toHaveLength(M);
      expect(new Set(claimed).size).toBe(M);
      const leased = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_items WHERE task_type = 'race' AND state = 'leased'`);
      expect(leased.rows[0]!.n).toBe(M);
    } finally {
      if (t.url) await Promise.all(pools.map((p) => p.close()));
    }
  });

  it('claims by priority, then oldest; marks task and run running with ledger events', async () => {
    const low = await submitCommand(t.db, { kind: 'prio', input: { n: 'low' }, priority: 0 });
    const high = await submitCommand(t.db, { kind: 'prio', input: { n: 'high' }, priority: 10 });
    const [first] = await claim(t.db, { workerId: 'w', taskTypes: ['prio'], limit: 1, leaseSeconds: 30 });
    expect(first).toMatchObject({ runId: high.runId, input: { n: 'high' }, attempt: 1, taskType: 'prio', timeoutSeconds: 300 });
    expect(first!.leaseExpiresAt.getTime()).toBeGreaterThan(Date.now());
    const detail = (await getRun(t.db, high.runId))!;
    expect(detail.run.status).toBe('running');
    expect(detail.run.startedAt).toBeInstanceOf(Date);
    expect(detail.tasks[0]).toMatchObject({ status: 'running', attempts: 1 });
    expect(detail.events.map((e) => e.type)).toEqual(['run.queued', 'task.queued', 'run.started', 'task.started']);
    const [second] = await claim(t.db, { workerId: 'w', taskTypes: ['prio'], limit: 5, leaseSeconds: 30 });
    expect(second!.runId).toBe(low.runId);
    expect(await claim(t.db, { workerId: 'w', taskTypes: ['prio', 'other'], limit: 5, leaseSeconds: 30 })).toEqual([]);
  });

  it('completes a leased item: task succeeded, run succeeded with the output, idempotent on retry', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'done', input: { x: 1 } });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['done'], limit: 1, leaseSeconds: 30 });
    const res = await complete(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: { y: 2 }, events: [{ type: 'note', data: { a: 1 } }] });
    expect(res).toMatchObject({ outcome: 'completed', runStatus: 'succeeded' });
    const again = await complete(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: { y: 2 } });
    expect(again.outcome).toBe('already_completed');
    const detail = (await getRun(t.db, runId))!;
    expect(detail.run).toMatchObject({ status: 'succeeded', output: { y: 2 } });
    expect(detail.tasks[0]).toMatchObject({ status: 'succeeded', output: { y: 2 } });
    expect(detail.events.map((e) => e.type).slice(-3)).toEqual(['note', 'task.succeeded', 'run.succeeded']);
    expect(detail.events.find((e) => e.type === 'note')!.data).toEqual({ a: 1 });
  });

  it('lease expiry: another worker reclaims, and the stale worker is refused with lease_lost', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'expire', input: {} });
    const [stale] = await claim(t.db, { workerId: 'stale', taskTypes: ['expire'], limit: 1, leaseSeconds: 30 });
    // Not expired yet: nobody else can take it.
    expect(await claim(t.db, { workerId: 'fresh', taskTypes: ['expire'], limit: 1, leaseSeconds: 30 })).toEqual([]);
    await expireLease(t.db, stale!.queueItemId);
    const [fresh] = await claim(t.db, { workerId: 'fresh', taskTypes: ['expire'], limit: 1, leaseSeconds: 30 });
    expect(fresh).toMatchObject({ queueItemId: stale!.queueItemId, attempt: 2 });
    expect(fresh!.leaseToken).not.toBe(stale!.leaseToken);

    const staleIds = { queueItemId: stale!.queueItemId, leaseToken: stale!.leaseToken };
    expect(codeOf(await complete(t.db, { ...staleIds, output: 'stale' }).catch((e) => e))).toBe('lease_lost');
    expect(codeOf(await renew(t.db, { ...staleIds, leaseSeconds: 30 }).catch((e) => e))).toBe('lease_lost');
    expect(codeOf(await fail(t.db, { ...staleIds, error: { message: 'x' } }).catch((e) => e))).toBe('lease_lost');

    const renewed = await renew(t.db, { queueItemId: fresh!.queueItemId, leaseToken: fresh!.leaseToken, leaseSeconds: 60 });
    expect(renewed.leaseExpiresAt.getTime()).toBeGreaterThan(fresh!.leaseExpiresAt.getTime());
    await complete(t.db, { queueItemId: fresh!.queueItemId, leaseToken: fresh!.leaseToken, output: 'fresh' });
    const detail = (await getRun(t.db, runId))!;
    expect(detail.run).toMatchObject({ status: 'succeeded', output: 'fresh' });
    expect(detail.events.map((e) => e.type)).toContain('task.lease_expired');
  });

  it('an expired lease with no attempts left is dead-lettered and fails the run', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'expire-dead', input: {}, maxAttempts: 1 });
    const [item] = await claim(t.db, { workerId: 'gone', taskTypes: ['expire-dead'], limit: 1, leaseSeconds: 30 });
    await expireLease(t.db, item!.queueItemId);
    expect(await claim(t.db, { workerId: 'other', taskTypes: ['expire-dead'], limit: 1, leaseSeconds: 30 })).toEqual([]);
    const detail = (await getRun(t.db, runId))!;
    expect(detail.run.status).toBe('failed');
    expect(detail.run.error).toMatchObject({ code: 'lease_expired' });
    expect(codeOf(await complete(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: 1 }).catch((e) => e))).toBe('lease_lost');
  });

  it('fail retries with exponential backoff and jitter, then dead-letters and fails the run with the error', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'flaky', input: {}, maxAttempts: 3 });
    const base = 2000;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['flaky'], limit: 1, leaseSeconds: 30 });
      expect(item!.attempt).toBe(attempt);
      const before = Date.now();
      const res = await fail(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, error: { message: `boom ${attempt}`, code: 'E1' }, backoff: { baseMs: base } });
      expect(res.dead).toBe(false);
      const delay = res.retryAt!.getTime() - before;
      delays.push(delay);
      const full = base * 2 ** (attempt - 1);
      // Equal jitter: between half and all of the exponential delay (clock slack of 250 ms).
      expect(delay).toBeGreaterThanOrEqual(full / 2 - 250);
      expect(delay).toBeLessThanOrEqual(full + 250);
      // Not due yet: nobody gets it before its retry time.
      expect(await claim(t.db, { workerId: 'w', taskTypes: ['flaky'], limit: 1, leaseSeconds: 30 })).toEqual([]);
      expect(await runStatus(t.db, runId)).toBe('running');
      // A retried fail call (lost response) is answered the same, without another attempt.
      const again = await fail(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, error: { message: 'dup' } });
      expect(again.dead).toBe(false);
      await makeDue(t.db, item!.queueItemId);
    }
    const [last] = await claim(t.db, { workerId: 'w', taskTypes: ['flaky'], limit: 1, leaseSeconds: 30 });
    expect(last!.attempt).toBe(3);
    const res = await fail(t.db, { queueItemId: last!.queueItemId, leaseToken: last!.leaseToken, error: { message: 'boom 3', code: 'E1', details: { k: 'v' } } });
    expect(res).toEqual({ dead: true, retryAt: null });
    const detail = (await getRun(t.db, runId))!;
    expect(detail.run.status).toBe('failed');
    expect(detail.run.error).toMatchObject({ message: 'boom 3', code: 'E1', details: { k: 'v' }, taskType: 'flaky' });
    expect(detail.tasks[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await eventTypes(t.db, runId)).toEqual([
      'run.queued', 'task.queued', 'run.started', 'task.started', 'task.retrying', 'task.started', 'task.retrying', 'task.started', 'task.failed', 'run.failed',
    ]);
    const state = await t.db.query<{ state: string }>(`SELECT state FROM queue_items WHERE run_id = $1`, [runId]);
    expect(state.rows[0]!.state).toBe('dead');
  });

  it('a non-retryable error dead-letters at once', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'fatal', input: {}, maxAttempts: 5 });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['fatal'], limit: 1, leaseSeconds: 30 });
    const res = await fail(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, error: { message: 'bad input', retryable: false } });
    expect(res).toEqual({ dead: true, retryAt: null });
    expect(await runStatus(t.db, runId)).toBe('failed');
    expect((await getRun(t.db, runId))!.tasks[0]!.attempts).toBe(1);
  });

  it('a stored error is masked: a handler that quotes a connection string or a token does not publish it', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'leaky', input: {}, maxAttempts: 1 });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['leaky'], limit: 1, leaseSeconds: 30 });
    const message = 'connect failed: postgres://app:Hunter2Secret@db:5432/app (token ghp_abcdefghijklmnopqrstuvwxyz0123456789)';
    await fail(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, error: { message, retryable: false, details: { password: 'Hunter2Secret' } } });
    const stored = JSON.stringify(await getRun(t.db, runId));
    expect(stored).toContain('connect failed');
    expect(stored).not.toContain('Hunter2Secret');
    expect(stored).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('release gives the item back at once without using an attempt', async () => {
    await submitCommand(t.db, { kind: 'rel', input: {}, maxAttempts: 1 });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['rel'], limit: 1, leaseSeconds: 30 });
    await release(t.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken });
    const [again] = await claim(t.db, { workerId: 'w2', taskTypes: ['rel'], limit: 1, leaseSeconds: 30 });
    expect(again).toMatchObject({ queueItemId: item!.queueItemId, attempt: 1 });
  });

  it('answers not_found for unknown items and lease_lost for a wrong token', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    const token = '01900000-0000-4000-8000-000000000000';
    expect(codeOf(await renew(t.db, { queueItemId: unknown, leaseToken: token, leaseSeconds: 5 }).catch((e) => e))).toBe('not_found');
    expect(codeOf(await complete(t.db, { queueItemId: 'not-a-uuid', leaseToken: token, output: 1 }).catch((e) => e))).toBe('not_found');
    await submitCommand(t.db, { kind: 'tok', input: {} });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['tok'], limit: 1, leaseSeconds: 30 });
    expect(codeOf(await complete(t.db, { queueItemId: item!.queueItemId, leaseToken: token, output: 1 }).catch((e) => e))).toBe('lease_lost');
    expect(codeOf(await complete(t.db, { queueItemId: item!.queueItemId, leaseToken: 'garbage', output: 1 }).catch((e) => e))).toBe('lease_lost');
  });

  it('follow-ups chain tasks in the same transaction; the run succeeds when the last one completes', async () => {
    const { runId } = await submitCommand(t.db, { kind: 'step', input: { n: 1 } });
    for (let n = 1; n <= 3; n++) {
      const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['step'], limit: 5, leaseSeconds: 30 });
      expect(item!.input).toEqual({ n });
      const res = await complete(t.db, {
        queueItemId: item!.queueItemId,
        leaseToken: item!.leaseToken,
        output: { n },
        ...(n < 3 ? { followUps: [{ taskType: 'step', input: { n: n + 1 } }] } : { runOutput: { final: true } }),
      });
      expect(res.runStatus).toBe(n < 3 ? 'running' : 'succeeded');
      expect(res.followUpTaskIds).toHaveLength(n < 3 ? 1 : 0);
    }
    const detail = (await getRun(t.db, runId))!;
    expect(detail.run).toMatchObject({ status: 'succeeded', output: { final: true } });
    expect(detail.tasks.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(detail.tasks[1]!.parentTaskId).toBe(detail.tasks[0]!.id);
    const wakes = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'runId' = $1`, [runId]);
    expect(wakes.rows[0]!.n).toBe(3);
  });

  it('completeMany settles a batch in one statement, each item with its own answer', async () => {
    const runIds = [];
    for (let i = 0; i < 3; i++) runIds.push((await submitCommand(t.db, { kind: 'batch', input: { i } })).runId);
    const items = await claim(t.db, { workerId: 'w', taskTypes: ['batch'], limit: 3, leaseSeconds: 30 });
    const wrongToken = '01900000-0000-4000-8000-000000000000';
    const results = await completeMany(t.db, [
      { queueItemId: items[0]!.queueItemId, leaseToken: items[0]!.leaseToken, output: 'a', followUps: [{ taskType: 'batch-next', input: {} }] },
      { queueItemId: items[1]!.queueItemId, leaseToken: wrongToken, output: 'b' },
      { queueItemId: items[2]!.queueItemId, leaseToken: items[2]!.leaseToken, output: 'c', runOutput: { final: 'c' } },
      { queueItemId: 'nope', leaseToken: wrongToken, output: 'd' },
    ]);
    expect(results.map((r) => (r instanceof SyntraError ? r.code : r.outcome))).toEqual(['completed', 'lease_lost', 'completed', 'not_found']);
    const byRun = new Map(items.map((i) => [i.queueItemId, i.runId]));
    expect(await runStatus(t.db, byRun.get(items[0]!.queueItemId)!)).toBe('running');
    expect(await runStatus(t.db, byRun.get(items[1]!.queueItemId)!)).toBe('running');
    const third = (await getRun(t.db, byRun.get(items[2]!.queueItemId)!))!;
    expect(third.run).toMatchObject({ status: 'succeeded', output: { final: 'c' } });
  });

  it("completeMany's set-based path (080) writes exactly what one complete() per item writes", async () => {
    // The same work twice: once completed item by item, once in one batch. The batch mixes what
    // 080 does set-based (a lone task, a runOutput, the first of two open tasks of a run) with
    // what it leaves to the per-item function (the second task of that run, custom events).
    const scenario = async (kind: string) => {
      const lone = await submitCommand(t.db, { kind, input: { n: 'lone' } });
      const withOutput = await submitCommand(t.db, { kind, input: { n: 'out' } });
      const withEvents = await submitCommand(t.db, { kind, input: { n: 'events' } });
      const pair = await submitCommand(t.db, { kind: `${kind}-parent`, input: { n: 'pair' } });
      const [parent] = await claim(t.db, { workerId: 'w', taskTypes: [`${kind}-parent`], limit: 1, leaseSeconds: 30 });
      await complete(t.db, {
        queueItemId: parent!.queueItemId,
        leaseToken: parent!.leaseToken,
        output: 'p',
        followUps: [{ taskType: kind, input: { n: 'child1' } }, { taskType: kind, input: { n: 'child2' } }],
      });
      const items = await claim(t.db, { workerId: 'w', taskTypes: [kind], limit: 10, leaseSeconds: 30 });
      const by = (n: string) => items.find((i) => (i.input as { n: string }).n === n)!;
      const batch = [
        { queueItemId: by('lone').queueItemId, leaseToken: by('lone').leaseToken, output: { r: 'lone' } },
        { queueItemId: by('child1').queueItemId, leaseToken: by('child1').leaseToken, output: { r: 'child1' } },
        { queueItemId: by('out').queueItemId, leaseToken: by('out').leaseToken, output: { r: 'out' }, runOutput: { final: true } },
        { queueItemId: by('child2').queueItemId, leaseToken: by('child2').leaseToken, output: { r: 'child2' } },
        { queueItemId: by('events').queueItemId, leaseToken: by('events').leaseToken, output: 1, events: [{ type: 'note', data: { a: 1 } }] },
      ];
      return { runIds: [lone.runId, withOutput.runId, withEvents.runId, pair.runId], batch };
    };
    // Ids and the kind differ between the two runs of the scenario by construction.
    const neutral = (data: unknown, kind: string) =>
      JSON.parse(JSON.stringify(data).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID').replaceAll(kind, 'KIND')) as unknown;
    const snapshot = async (runIds: string[], kind: string) =>
      Promise.all(
        runIds.map(async (id) => {
          const d = (await getRun(t.db, id))!;
          const lastSeq = (await t.db.query<{ last_seq: number }>('SELECT last_seq FROM runs WHERE id = $1', [id])).rows[0]!.last_seq;
          // Tasks by their input: two follow-ups of one completion may share a created_at (PGlite's
          // clock), and a claim hands out items of one instant in id order (random within a
          // millisecond), so which child's task.started comes first is left out of the comparison.
          const name = new Map(d.tasks.map((x) => [x.id, (x.input as { n?: string }).n ?? null]));
          const tasks = [...d.tasks].sort((a, b) => String(name.get(a.id)).localeCompare(String(name.get(b.id))));
          return {
            status: d.run.status,
            output: d.run.output,
            finished: d.run.finishedAt instanceof Date,
            lastSeq,
            tasks: tasks.map((x) => ({ name: name.get(x.id), status: x.status, output: x.output, finished: x.finishedAt instanceof Date })),
            events: d.events.map((e) => ({ seq: e.seq, type: e.type, actor: e.actor, data: neutral(e.data, kind), task: e.taskId && e.type !== 'task.started' ? name.get(e.taskId) : null })),
          };
        }),
      );

    const one = await scenario('each');
    const oneResults = [];
    for (const args of one.batch) oneResults.push((await complete(t.db, args)).runStatus);
    const many = await scenario('many');
    const manyResults = await completeMany(t.db, many.batch);
    expect(manyResults.map((r) => (r instanceof SyntraError ? r.code : r.runStatus))).toEqual(oneResults);
    expect(oneResults).toEqual(['succeeded', 'running', 'succeeded', 'succeeded', 'succeeded']);
    const expected = await snapshot(one.runIds, 'each');
    expect(await snapshot(many.runIds, 'many')).toEqual(expected);
    for (const run of expected) expect(run.events.map((e) => e.seq)).toEqual(run.events.map((_, i) => i + 1));
    for (const run of expected) expect(run.lastSeq).toBe(run.events.length);
  });

  it('completeManyAndClaim completes a batch and claims the next in one commit; a stale token completes nothing', async () => {
    await submitMany(t.db, 4, { kind: 'fold' });
    const first = await claim(t.db, { workerId: 'w1', taskTypes: ['fold'], limit: 2, leaseSeconds: 30 });
    // w1's first lease expires and w2 takes it over: w1's token is stale from now on.
    await expireLease(t.db, first[0]!.queueItemId);
    const [taken] = await claim(t.db, { workerId: 'w2', taskTypes: ['fold'], limit: 1, leaseSeconds: 30 });
    expect(taken!.queueItemId).toBe(first[0]!.queueItemId);
    const { results, claimed } = await completeManyAndClaim(
      t.db,
      [
        { queueItemId: first[0]!.queueItemId, leaseToken: first[0]!.leaseToken, output: 'stale' },
        { queueItemId: first[1]!.queueItemId, leaseToken: first[1]!.leaseToken, output: 'ok' },
      ],
      { workerId: 'w1', taskTypes: ['fold'], limit: 5, leaseSeconds: 30 },
    );
    expect(results.map((r) => (r instanceof SyntraError ? r.code : r.outcome))).toEqual(['lease_lost', 'completed']);
    expect(claimed).toHaveLength(2);
    expect(claimed.map((c) => c.queueItemId)).not.toContain(first[0]!.queueItemId);
    expect(await runStatus(t.db, first[0]!.runId)).toBe('running');
    expect(await eventTypes(t.db, first[0]!.runId)).not.toContain('task.succeeded');
    expect(await eventTypes(t.db, first[1]!.runId)).toEqual(['run.queued', 'task.queued', 'run.started', 'task.started', 'task.succeeded', 'run.succeeded']);
    // The new holder can still complete it.
    expect((await complete(t.db, { queueItemId: taken!.queueItemId, leaseToken: taken!.leaseToken, output: 'w2' })).outcome).toBe('completed');
  });

  it('completeManyAndClaim is one transaction: when it fails, nothing is completed or claimed, and a retry settles everything', async () => {
    await submitMany(t.db, 3, { kind: 'atomic' });
    const [item] = await claim(t.db, { workerId: 'w', taskTypes: ['atomic'], limit: 1, leaseSeconds: 30 });
    // A follow-up whose maxAttempts is not a number raises inside the completion, after the claim half would have run.
    const bad = { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: 'x', followUps: [{ taskType: 'next', input: {}, maxAttempts: 'many' as unknown as number }] };
    await expect(completeManyAndClaim(t.db, [bad], { workerId: 'w', taskTypes: ['atomic'], limit: 2, leaseSeconds: 30 })).rejects.toThrow();
    const states = await t.db.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM queue_items WHERE task_type = 'atomic' GROUP BY state ORDER BY state`);
    expect(states.rows).toEqual([
      { state: 'available', n: 2 },
      { state: 'leased', n: 1 },
    ]);
    // Like a worker that crashed after the failed attempt: the lease is still valid, nothing was lost.
    const { results, claimed } = await completeManyAndClaim(
      t.db,
      [{ queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: 'x' }],
      { workerId: 'w', taskTypes: ['atomic'], limit: 2, leaseSeconds: 30 },
    );
    expect(results.map((r) => (r instanceof SyntraError ? r.code : r.outcome))).toEqual(['completed']);
    expect(claimed).toHaveLength(2);
  });
});
