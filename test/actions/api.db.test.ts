import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/access/audit.js';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { seedKey, seedUser, withKey } from '../access/access-app.js';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';

/** /v1/actions: input validation, permission and namespace checks, the audit of refusals, and the flow over HTTP. */
let h: ApiHarness;
let api: FakeApiServer;
let worker: RunningWorker;
let dir: string;
const keys: Record<string, string> = {};

beforeAll(async () => {
  h = await startApiHarness({ kinds: ['action_dry_run', 'action_execute'] });
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor' } });
  const kubeconfig = await writeKubeconfig(api.url, { token: 'executor' });
  dir = dirname(kubeconfig);
  worker = startWorker({ db: h.db, bus: h.bus, registry: registerExecutor(createRegistry(), { db: h.db, writer: createKubeWriter(kubeconfig), verify: { attempts: 3, intervalMs: 20 } }), concurrency: 2, pollIntervalMs: 25, leaseSeconds: 30, shutdownGraceMs: 1000 });
  await worker.registered;
  for (const [name, roles, namespaces] of [['alice', ['operator'], null], ['bob', ['operator'], null], ['vic', ['viewer'], null], ['sam', ['operator'], ['staging']]] as const) {
    const { user } = await seedUser(h.db, `${name}@example.com`, [...roles], namespaces ? [...namespaces] : null);
    keys[name] = (await seedKey(h.db, user.id, 'live')).secret;
    if (name === 'bob') keys.bobTest = (await seedKey(h.db, user.id, 'test')).secret;
  }
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (url: string, who: string, payload: unknown) => h.app.inject({ method: 'POST', url, headers: withKey(keys[who]!), payload: payload as Record<string, unknown> });
const scalePostgres = { action: 'scale', target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, params: { replicas: 1 }, reason: 'auth-service cannot reach postgres' };

describe('POST /v1/actions refuses bad input with a 4xx JSON error', () => {
  it.each([
    ['an unknown action', { ...scalePostgres, action: 'drop_database' }, /unknown action/],
    ['parameters outside the schema', { ...scalePostgres, params: { replicas: -3 } }, /replicas/],
    ['a kind the action does not take', { ...scalePostgres, action: 'delete_pod', params: {} }, /delete_pod applies to Pod/],
    ['an unknown field', { ...scalePostgres, force: true }, /force|additional/i],
    ['no reason', { ...scalePostgres, reason: undefined }, /reason/],
    ['an invalid name', { ...scalePostgres, target: { ...scalePostgres.target, name: 'Postgres!' } }, /name/],
  ])('%s', async (_what, body, message) => {
    const res = await post('/v1/actions', 'alice', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringMatching(message) } });
  });

  it('a viewer cannot propose (403)', async () => {
    expect((await post('/v1/actions', 'vic', scalePostgres)).statusCode).toBe(403);
  });
});

describe('the flow over HTTP', () => {
  it('propose, see the dry-run, refusals audited, approve, verified', async () => {
    const created = await post('/v1/actions', 'alice', scalePostgres);
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const shown = await eventually<{ dryRun: { diff: unknown } }>(async () => {
      const r = await h.app.inject({ url: `/v1/actions/${id}`, headers: withKey(keys.vic!) });
      return r.json().status === 'pending_approval' ? r.json() : undefined;
    }, 'dry-run');
    expect(shown.dryRun.diff).toEqual([{ path: 'spec.replicas', before: 0, after: 1 }]);

    expect((await h.app.inject({ url: `/v1/actions/${id}`, headers: withKey(keys.sam!) })).statusCode).toBe(404);
    const own = await post(`/v1/actions/${id}/approve`, 'alice', { reason: 'mine' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toMatch(/you proposed/);
    expect((await post(`/v1/actions/${id}/approve`, 'vic', { reason: 'x' })).statusCode).toBe(403);
    expect((await post(`/v1/actions/${id}/approve`, 'bobTest', { reason: 'x' })).statusCode).toBe(403);
    expect((await post(`/v1/actions/${id}/approve`, 'bob', {})).statusCode).toBe(400);
    const denied = (await listAudit(h.db, {})).events.filter((e) => e.action === 'action.approve' && e.result === 'denied');
    expect(denied.length).toBeGreaterThanOrEqual(1);

    const ok = await post(`/v1/actions/${id}/approve`, 'bob', { reason: 'restore the database' });
    expect(ok.statusCode).toBe(200);
    const done = await eventually(async () => {
      const r = (await h.app.inject({ url: `/v1/actions/${id}` })).json();
      return ['verified', 'verification_failed', 'failed'].includes(r.status) ? r : undefined;
    }, 'execution');
    expect(done).toMatchObject({ status: 'verified', decidedBy: expect.stringMatching(/^key:/), decisionReason: 'restore the database' });
    expect((await post(`/v1/actions/${id}/approve`, 'bob', { reason: 'again' })).statusCode).toBe(409);
    // One entry per decision, the service's own (with the reason): the transport adds none beside it.
    const trail = (await listAudit(h.db, {})).events;
    const decisions = trail.filter((e) => e.target === `action:${id}`).map((e) => `${e.action} ${e.result}`);
    expect(decisions.filter((d) => d === 'action.propose ok' || d === 'action.approve ok')).toEqual(['action.approve ok', 'action.propose ok']);
    expect(decisions.filter((d) => d === 'action.approve denied')).toHaveLength(2);
    expect(trail.filter((e) => /^http\.post \/v1\/actions/.test(e.action) && e.result !== 'failed')).toEqual([]);

    const list = await h.app.inject({ url: '/v1/actions?status=verified', headers: withKey(keys.vic!) });
    expect(list.json().items.map((a: { id: string }) => a.id)).toContain(id);
    expect((await h.app.inject({ url: '/v1/actions', headers: withKey(keys.sam!) })).json().items).toEqual([]);
    expect((await h.app.inject({ url: '/v1/actions/not-a-uuid' })).statusCode).toBe(400);
    expect((await h.app.inject({ url: '/v1/actions/catalogue' })).json().actions.map((a: { name: string }) => a.name)).toEqual(['rollout_restart', 'rollout_undo', 'scale', 'set_image', 'set_resources', 'patch_env', 'delete_pod', 'cordon', 'uncordon']);
    // Self-healing is off by default; any reader sees which rules are active.
    const policies = await h.app.inject({ url: '/v1/actions/policies', headers: withKey(keys.vic!) });
    expect(policies.statusCode).toBe(200);
    expect(policies.json()).toMatchObject({ selfHealing: false, rules: [] });
    // A node takes no namespace; the body is checked before anything is stored.
    const noNs = await post('/v1/actions', 'alice', { action: 'scale', target: { kind: 'Deployment', name: 'postgres' }, params: { replicas: 1 }, reason: 'x' });
    expect(noNs.statusCode).toBe(400);
    expect(noNs.json().error.message).toMatch(/target.namespace is required/);
  });
});
