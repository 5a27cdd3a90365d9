import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startApiHarness, type ApiHarness } from './harness.js';

/**
 * Long-poll claim. The database-poll backstop is set to a minute, longer than any wait here,
 * so an item can only come back within waitSeconds if the bus wakeup (relayed from the outbox)
 * woke the request.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ relay: true, timing: { claimPollMs: 60_000 }, kinds: ['lp.job'] });
});
afterAll(async () => h?.close());

const post = (url: string, body: unknown) => postJson(h, url, body);

describe('POST /v1/queue/claim with waitSeconds', () => {
  it('is woken by the bus when a matching command is submitted', async () => {
    const waiting = post('/v1/queue/claim', { workerId: 'lp', taskTypes: ['lp.job'], limit: 1, leaseSeconds: 30, waitSeconds: 20 });
    // Let the claim find nothing and start waiting before the submit.
    await new Promise((r) => setTimeout(r, 200));
    const submitted = await post('/v1/commands/submit', { kind: 'lp.job', input: { n: 7 } });
    const { runId } = submitted.json() as { runId: string };
    const res = await waiting;
    expect(res.statusCode).toBe(200);
    expect((res.json() as { items: unknown[] }).items).toMatchObject([{ runId, taskType: 'lp.job', input: { n: 7 } }]);
  });

  it('returns an empty list when nothing arrives in time', async () => {
    const res = await post('/v1/queue/claim', { workerId: 'lp', taskTypes: ['lp.never'], limit: 1, leaseSeconds: 30, waitSeconds: 0.3 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [] });
  });
});
