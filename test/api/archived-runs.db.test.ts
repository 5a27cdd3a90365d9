import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, complete } from '../../src/control-plane/queue.js';
import { archiveDueRuns } from '../../src/control-plane/run-archive.js';
import { postJson, startApiHarness, type ApiHarness } from './harness.js';

/** What a client sees of a run: its detail, its whole SSE replay, a resumed replay, and its row in the list. */
async function observe(h: ApiHarness, runId: string) {
  const detail = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}` });
  const replay = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}/events` });
  const resumed = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}/events`, headers: { 'last-event-id': '2' } });
  const list = await h.app.inject({ method: 'GET', url: '/v1/runs?limit=100' });
  expect([detail.statusCode, replay.statusCode, resumed.statusCode, list.statusCode]).toEqual([200, 200, 200, 200]);
  // Heartbeats are timing, not content.
  const sse = (body: string) => body.replace(/^: heartbeat\n\n/gm, '');
  return {
    detail: detail.json() as unknown,
    replay: sse(replay.body),
    resumed: sse(resumed.body),
    listed: (list.json() as { items: Array<{ id: string }> }).items.find((r) => r.id === runId),
  };
}

describe('archived runs over the API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => h.close());

  it('GET run, its events (SSE) and the list answer identically once the run is archived', async () => {
    const submitted = await postJson(h, '/v1/commands/submit', { kind: 'echo', namespace: 'archive-api', input: { text: 'hello' } });
    expect(submitted.statusCode).toBe(201);
    const { runId } = submitted.json() as { runId: string };
    const [item] = await claim(h.db, { workerId: 'archive-api-test', taskTypes: ['echo'], limit: 1, leaseSeconds: 60 });
    await complete(h.db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: { text: 'hello' }, events: [{ type: 'agent.note', data: { line: 'one\ntwo' } }] });
    await h.db.query(`UPDATE runs SET finished_at = finished_at - interval '60 days' WHERE id = $1`, [runId]);
    const before = await observe(h, runId);
    expect(before.replay).toContain('event: end');
    expect((before.detail as { events: unknown[] }).events.length).toBeGreaterThanOrEqual(4);

    expect(await archiveDueRuns(h.db, { defaultDays: 30, byScope: {} })).toBe(1);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM ledger_events WHERE run_id = $1`, [runId])).rows[0]).toEqual({ n: 0 });
    expect(await observe(h, runId)).toEqual(before);
  });

  it('sets and removes namespace windows through the control API, refusing bad ones with 400', async () => {
    const set = await postJson(h, '/v1/control/retention/update', { namespace: 'prod-eu/payments', days: 14, reason: 'audit asks for two weeks' });
    expect(set.statusCode).toBe(200);
    expect((set.json() as { snapshot: { retentionPolicies: unknown } }).snapshot.retentionPolicies).toEqual({ 'prod-eu/payments': { namespace: 'prod-eu/payments', days: 14 } });
    const bad = await postJson(h, '/v1/control/retention/update', { namespace: 'payments', days: 0, reason: 'typo' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('validation_failed');
    const removed = await postJson(h, '/v1/control/retention/remove', { namespace: 'prod-eu/payments', reason: 'back to the default' });
    expect((removed.json() as { snapshot: { retentionPolicies: unknown } }).snapshot.retentionPolicies).toEqual({});
  });
});
