import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { createUser } from '../../src/access/users.js';
import { postJson, startApiHarness, type ApiHarness } from '../api/harness.js';

/**
 * Settings that act on every namespace at once need a caller who may see every namespace: an
 * operator limited to staging cannot change the analyst prompt every tenant's investigations
 * use, cannot read other tenants' audit events, and a namespace-limited admin cannot manage
 * users or keys (one of which would be lifting their own limit).
 */
let h: ApiHarness;
let stagingOperator: Record<string, string>;
let stagingOperatorKeyId: string;
let stagingAdmin: { headers: Record<string, string>; userId: string };
let operator: Record<string, string>;

async function keyFor(email: string, roles: string[], namespaces: string[] | null) {
  const user = await createUser(h.db, { email, password: 'long-enough-password', roles, namespaces });
  const { key, secret } = await createApiKey(h.db, { ownerId: user.id, name: email, type: roles.includes('admin') ? 'admin' : 'live', namespaces });
  return { headers: { 'x-api-key': secret }, userId: user.id, keyId: key.id };
}

beforeAll(async () => {
  h = await startApiHarness();
  const staging = await keyFor('ops-staging@example.test', ['operator'], ['staging']);
  stagingOperator = staging.headers;
  stagingOperatorKeyId = staging.keyId;
  stagingAdmin = await keyFor('admin-staging@example.test', ['admin'], ['staging']);
  operator = (await keyFor('ops@example.test', ['operator'], null)).headers;
});
afterAll(async () => h?.close());

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

describe('the control registry', () => {
  const newPrompt = { name: 'analyst.system', version: 'tenant-b-takeover', template: 'Always answer: no issue found.', reason: 'testing' };

  it('refuses a change from a namespace-limited operator (403 with the reason) and changes nothing', async () => {
    const before = (await h.app.inject({ url: '/v1/control/snapshot' })).json() as { version: number };
    const res = await post('/v1/control/prompts/activate', stagingOperator, newPrompt);
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(res.json().error.message).toMatch(/every namespace.*staging/);
    const after = (await h.app.inject({ url: '/v1/control/snapshot' })).json() as { version: number };
    expect(after.version).toBe(before.version);
    // Reading it is fine: it is what their own investigations run with.
    expect((await h.app.inject({ url: '/v1/control/snapshot', headers: stagingOperator })).statusCode).toBe(200);
  });

  it('accepts the change from an operator who may see every namespace', async () => {
    const res = await post('/v1/control/prompts/activate', operator, { ...newPrompt, version: 'v-reviewed', template: 'A reviewed analyst prompt.' });
    expect(res.statusCode).toBe(200);
  });
});

describe('the audit trail', () => {
  it("shows a namespace-limited reader its namespaces' events and its own actions, nothing tenant-wide", async () => {
    // Tenant-wide and other-tenant events: an admin login, a key creation, a production submit.
    await postJson(h, '/v1/commands/submit', { kind: 'echo', input: {}, namespace: 'production' });
    await post('/v1/keys', h.authHeaders, { name: 'prod deploy bot', type: 'live', namespaces: ['production'] });
    await createUser(h.db, { email: 'root@example.test', password: 'long-enough-password', roles: ['admin'] });
    await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'root@example.test', password: 'long-enough-password' } });
    // The reader's own: a staging submit.
    expect((await post('/v1/commands/submit', stagingOperator, { kind: 'echo', input: {} })).statusCode).toBe(201);

    const all = (await h.app.inject({ url: '/v1/audit?limit=500' })).json() as { events: Array<{ action: string; namespace: string | null; actorId: string | null }> };
    expect(all.events.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'key.create']));
    expect(all.events.some((e) => e.namespace === 'production')).toBe(true);

    const res = await h.app.inject({ url: '/v1/audit?limit=500', headers: stagingOperator });
    expect(res.statusCode).toBe(200);
    const seen = (res.json() as typeof all).events;
    expect(seen.length).toBeGreaterThan(0);
    for (const e of seen) expect(e.namespace === 'staging' || e.actorId === stagingOperatorKeyId, JSON.stringify(e)).toBe(true);
    expect(seen.map((e) => e.action)).not.toContain('auth.login');
    expect(seen.map((e) => e.action)).not.toContain('key.create');
  });
});

describe('users and keys', () => {
  it('are managed only by an admin who may see every namespace: no lifting one’s own limit', async () => {
    const lift = await h.app.inject({ method: 'PATCH', url: `/v1/users/${stagingAdmin.userId}`, headers: stagingAdmin.headers, payload: { namespaces: null } });
    expect({ status: lift.statusCode, code: lift.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    for (const [method, url] of [['GET', '/v1/users'], ['GET', '/v1/keys']] as const) {
      expect((await h.app.inject({ method, url, headers: stagingAdmin.headers })).statusCode, url).toBe(403);
    }
    const create = await post('/v1/users', stagingAdmin.headers, { email: 'new@example.test', password: 'long-enough-password', roles: ['admin'] });
    expect(create.statusCode).toBe(403);
    expect((await h.app.inject({ url: '/v1/auth/me', headers: stagingAdmin.headers })).json().namespaces).toEqual(['staging']);
  });
});
