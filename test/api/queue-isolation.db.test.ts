import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { createTestKey, createWorkerKey } from '../access/admin-key.js';
import { startApiHarness, type ApiHarness } from './harness.js';

/**
 * The queue routes are a worker's, not a person's: only worker credentials (sk_worker_) reach
 * them, a claim hands out only the namespaces the credential may serve, and a lease is settled
 * only by the credential it was handed to — a stolen lease token is not enough.
 */
let h: ApiHarness;
let adminUserId: string;
let teamAUser: Record<string, string>;
let workerA: Record<string, string>;
let workerAll: Record<string, string>;

beforeAll(async () => {
  h = await startApiHarness({ kinds: ['iso.steal', 'iso.ns', 'iso.lease'] });
  const admin = await createTestKey(h.db);
  adminUserId = admin.userId;
  // The reported attack: a live key limited to team-a, owned by an admin, with its default permissions.
  const { secret } = await createApiKey(h.db, { ownerId: admin.userId, name: 'team-a automation', type: 'live', namespaces: ['team-a'] });
  teamAUser = { 'x-api-key': secret };
  workerA = (await createWorkerKey(h.db, admin.userId, ['team-a'])).headers;
  workerAll = (await createWorkerKey(h.db, admin.userId)).headers;
});
afterAll(async () => h?.close());

interface Claimed {
  queueItemId: string;
  runId: string;
  leaseToken: string;
  namespace: string | null;
  input: unknown;
}

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

async function submit(kind: string, namespace: string): Promise<string> {
  const res = await post('/v1/commands/submit', h.authHeaders, { kind, input: { tenant: namespace }, namespace });
  expect(res.statusCode).toBe(201);
  return (res.json() as { runId: string }).runId;
}

async function claim(headers: Record<string, string>, kind: string): Promise<Claimed[]> {
  const res = await post('/v1/queue/claim', headers, { workerId: 'w', taskTypes: [kind], limit: 10, leaseSeconds: 30 });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Claimed[] }).items;
}

describe('who may use the queue routes', () => {
  it('refuses every user key, admin keys included: queue:work belongs to worker credentials only', async () => {
    await submit('iso.steal', 'team-b');
    for (const headers of [teamAUser, h.authHeaders]) {
      const res = await post('/v1/queue/claim', headers, { workerId: 'thief', taskTypes: ['iso.steal'], limit: 10 });
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    }
    const me = (await h.app.inject({ url: '/v1/auth/me', headers: teamAUser })).json() as { permissions: string[] };
    expect(me.permissions).not.toContain('queue:work');
  });

  it('gives a worker key the queue protocol and nothing else', async () => {
    const me = (await h.app.inject({ url: '/v1/auth/me', headers: workerA })).json() as { permissions: string[]; keyType: string; namespaces: string[] };
    expect(me).toMatchObject({ permissions: ['queue:work'], keyType: 'worker', namespaces: ['team-a'] });
    for (const url of ['/v1/runs', '/v1/incidents', '/v1/audit']) {
      expect((await h.app.inject({ url, headers: workerA })).statusCode, url).toBe(403);
    }
    const submitted = await post('/v1/commands/submit', workerA, { kind: 'echo', input: {}, namespace: 'team-a' });
    expect(submitted.statusCode).toBe(403);
  });

  it('lets only someone who manages keys enrol a worker', async () => {
    const developer = await createTestKey(h.db, { roles: ['developer'], type: 'live' });
    await expect(createApiKey(h.db, { ownerId: developer.userId, name: 'w', type: 'worker' })).rejects.toMatchObject({ code: 'forbidden' });
    const viaApi = await post('/v1/keys', developer.headers, { name: 'w', type: 'worker' });
    expect(viaApi.statusCode).toBe(403);
    const byAdmin = await post('/v1/keys', h.authHeaders, { name: 'remote pool', type: 'worker', namespaces: ['team-a'] });
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json()).toMatchObject({ secret: expect.stringMatching(/^sk_worker_/), key: { type: 'worker', permissions: ['queue:work'], namespaces: ['team-a'] } });
    expect(adminUserId).toBeTruthy();
  });
});

describe('a claim stays inside the namespaces the worker may serve', () => {
  it("hands a team-a worker team-a's items only, never team-b's input", async () => {
    const runA = await submit('iso.ns', 'team-a');
    const runB = await submit('iso.ns', 'team-b');
    const mine = await claim(workerA, 'iso.ns');
    expect(mine.map((i) => i.runId)).toEqual([runA]);
    expect(mine[0]).toMatchObject({ namespace: 'team-a', input: { tenant: 'team-a' } });
    expect(await claim(workerA, 'iso.ns')).toEqual([]);
    const rest = await claim(workerAll, 'iso.ns');
    expect(rest.map((i) => [i.runId, i.namespace])).toEqual([[runB, 'team-b']]);
  });
});

describe('a lease is settled only by the credential it was handed to', () => {
  it('refuses renew, complete and fail with a stolen lease token; the holder still completes', async () => {
    const runId = await submit('iso.lease', 'team-a');
    const [item] = await claim(workerA, 'iso.lease');
    expect(item?.runId).toBe(runId);
    const stolen = { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken };
    for (const [url, body] of [
      ['/v1/queue/renew', { ...stolen, leaseSeconds: 30 }],
      ['/v1/queue/complete', { ...stolen, output: { forged: true } }],
      ['/v1/queue/fail', { ...stolen, error: { message: 'forged', retryable: false } }],
    ] as const) {
      const res = await post(url, workerAll, body);
      expect({ url, status: res.statusCode, code: res.json().error.code }).toEqual({ url, status: 409, code: 'lease_lost' });
    }
    const run = (await h.app.inject({ url: `/v1/runs/${runId}` })).json() as { run: { status: string; output: unknown } };
    expect(run.run).toMatchObject({ status: 'running', output: null });

    const done = await post('/v1/queue/complete', workerA, { ...stolen, output: { honest: true } });
    expect(done.statusCode).toBe(200);
    const after = (await h.app.inject({ url: `/v1/runs/${runId}` })).json() as { run: { status: string; output: unknown } };
    expect(after.run).toMatchObject({ status: 'succeeded', output: { honest: true } });
  });
});
