import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, postJson, startApiHarness, type ApiHarness } from './harness.js';

/** The remote-worker wire contract: claim → renew → complete | fail, fenced by the lease token. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ kinds: ['remote.ok', 'remote.fenced', 'remote.expiry', 'remote.fail'] });
});
afterAll(async () => h?.close());

interface Claimed {
  queueItemId: string;
  taskId: string;
  runId: string;
  taskType: string;
  input: unknown;
  attempt: number;
  leaseToken: string;
  leaseExpiresAt: string;
}

const post = (url: string, body: unknown) => postJson(h, url, body);

async function submit(kind: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await post('/v1/commands/submit', { kind, input, ...extra });
  expect(res.statusCode).toBe(201);
  return (res.json() as { runId: string }).runId;
}

async function claimOne(taskType: string, leaseSeconds = 30): Promise<Claimed> {
  const res = await post('/v1/queue/claim', { workerId: 'remote-1', taskTypes: [taskType], limit: 1, leaseSeconds });
  expect(res.statusCode).toBe(200);
  const items = (res.json() as { items: Claimed[] }).items;
  expect(items).toHaveLength(1);
  return items[0]!;
}

const runStatus = async (runId: string) => ((await h.app.inject({ url: `/v1/runs/${runId}` })).json() as { run: { status: string } }).run.status;

describe('remote worker routes', () => {
  it('claim returns an empty list when nothing is available', async () => {
    const res = await post('/v1/queue/claim', { workerId: 'w', taskTypes: ['nothing.here'], limit: 5, leaseSeconds: 10 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [] });
  });

  it('claim → renew → complete finishes the run with the output', async () => {
    const runId = await submit('remote.ok', { x: 1 });
    const item = await claimOne('remote.ok');
    expect(item).toMatchObject({ runId, taskType: 'remote.ok', input: { x: 1 }, attempt: 1 });
    expect(Date.parse(item.leaseExpiresAt)).not.toBeNaN();

    const renewed = await post('/v1/queue/renew', { queueItemId: item.queueItemId, leaseToken: item.leaseToken, leaseSeconds: 60 });
    expect(renewed.statusCode).toBe(200);
    expect(Date.parse((renewed.json() as { leaseExpiresAt: string }).leaseExpiresAt)).toBeGreaterThan(Date.parse(item.leaseExpiresAt));

    const done = await post('/v1/queue/complete', { queueItemId: item.queueItemId, leaseToken: item.leaseToken, output: { answer: 42 } });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ outcome: 'completed', runId, runStatus: 'succeeded' });
    const detail = (await h.app.inject({ url: `/v1/runs/${runId}` })).json() as { run: { status: string; output: unknown } };
    expect(detail.run).toMatchObject({ status: 'succeeded', output: { answer: 42 } });
  });

  it('a wrong lease token is 409 lease_lost on renew, complete and fail; the right one still works', async () => {
    await submit('remote.fenced', {});
    const item = await claimOne('remote.fenced');
    const wrong = '0190f5a4-8b2c-7d3e-9f00-0000000000aa';
    for (const [url, body] of [
      ['/v1/queue/renew', { queueItemId: item.queueItemId, leaseToken: wrong, leaseSeconds: 30 }],
      ['/v1/queue/complete', { queueItemId: item.queueItemId, leaseToken: wrong, output: {} }],
      ['/v1/queue/fail', { queueItemId: item.queueItemId, leaseToken: wrong, error: { message: 'x' } }],
    ] as const) {
      const res = await post(url, body);
      expect(res.statusCode, url).toBe(409);
      expect(res.json(), url).toMatchObject({ error: { code: 'lease_lost' } });
    }
    const ok = await post('/v1/queue/complete', { queueItemId: item.queueItemId, leaseToken: item.leaseToken, output: {} });
    expect(ok.statusCode).toBe(200);
  });

  it('an expired lease reclaimed by another worker fences out the first one', async () => {
    await submit('remote.expiry', {});
    const first = await claimOne('remote.expiry', 1);
    // Bounded wait until the 1 s lease has expired and a second worker reclaims the item.
    const second = await eventually(async () => {
      const res = await post('/v1/queue/claim', { workerId: 'remote-2', taskTypes: ['remote.expiry'], limit: 1, leaseSeconds: 30 });
      return (res.json() as { items: Claimed[] }).items[0];
    }, 'lease expiry and reclaim', 100, 100);
    expect(second.queueItemId).toBe(first.queueItemId);
    expect(second.attempt).toBe(2);
    const stale = await post('/v1/queue/complete', { queueItemId: first.queueItemId, leaseToken: first.leaseToken, output: {} });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'lease_lost' } });
  });

  it('unknown queue item is 404 not_found', async () => {
    const unknown = { queueItemId: '0190f5a4-8b2c-7d3e-9f00-0000000000bb', leaseToken: '0190f5a4-8b2c-7d3e-9f00-0000000000cc' };
    for (const [url, extra] of [
      ['/v1/queue/renew', { leaseSeconds: 30 }],
      ['/v1/queue/complete', { output: null }],
      ['/v1/queue/fail', { error: { message: 'boom' } }],
    ] as const) {
      const res = await post(url, { ...unknown, ...extra });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('fail retries with a retryAt, then a non-retryable failure is dead and fails the run', async () => {
    const runId = await submit('remote.fail', {}, { maxAttempts: 3 });
    const item = await claimOne('remote.fail');
    const retry = await post('/v1/queue/fail', { queueItemId: item.queueItemId, leaseToken: item.leaseToken, error: { message: 'flaky' } });
    expect(retry.statusCode).toBe(200);
    const r = retry.json() as { dead: boolean; retryAt: string | null };
    expect(r.dead).toBe(false);
    expect(Date.parse(r.retryAt ?? '')).not.toBeNaN();

    const again = await eventually(async () => {
      const res = await post('/v1/queue/claim', { workerId: 'remote-1', taskTypes: ['remote.fail'], limit: 1, leaseSeconds: 30 });
      return (res.json() as { items: Claimed[] }).items[0];
    }, 'the retry to become due', 100, 100);
    const dead = await post('/v1/queue/fail', { queueItemId: again.queueItemId, leaseToken: again.leaseToken, error: { message: 'broken', retryable: false } });
    expect(dead.statusCode).toBe(200);
    expect(dead.json()).toEqual({ dead: true, retryAt: null });
    expect(await runStatus(runId)).toBe('failed');
  });
});
