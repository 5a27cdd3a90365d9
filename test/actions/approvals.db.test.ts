import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { permissionsForRoles, type KeyType } from '../../src/access/permissions.js';
import type { Principal } from '../../src/access/principal.js';
import { listAudit } from '../../src/access/audit.js';
import { approveAction, proposeAction, rejectAction, showAction } from '../../src/agents/actions/approvals.js';
import type { ActionTarget } from '../../src/agents/actions/catalogue.js';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import type { ActionRequest, ActionStatus } from '../../src/agents/actions/store.js';
import type { Bus } from '../../src/bus/bus.js';
import { listEvents } from '../../src/control-plane/ledger.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { createTestBus } from '../helpers/bus.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer, type FakeApiServerOptions } from '../helpers/fake-apiserver.js';

/**
 * Propose → dry-run → approve (or reject) → execute → verify, on the real control plane with
 * the executor worker writing through @kubernetes/client-node to the loopback API server; and
 * every way an approval is refused.
 */
let t: TestDatabase;
let bus: Bus;
let api: FakeApiServer;
let worker: RunningWorker;
const serverOptions: FakeApiServerOptions = { dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor' } };
const temp: string[] = [];

const person = (id: string, roles: string[], o: { namespaces?: string[]; keyType?: KeyType } = {}): Principal => ({
  type: o.keyType ? 'key' : 'user',
  id: o.keyType ? `${id}-key` : id,
  userId: id,
  email: `${id}@example.com`,
  roles,
  permissions: o.keyType === 'test' ? permissionsForRoles(roles).filter((p) => !p.endsWith(':write')) : permissionsForRoles(roles),
  namespaces: o.namespaces ?? null,
  keyType: o.keyType ?? null,
});
const alice = person('alice', ['operator']);
const bob = person('bob', ['operator']);
const carol = person('carol', ['admin']);
const viewer = person('vic', ['viewer']);
const postgres: ActionTarget = { kind: 'Deployment', name: 'postgres', namespace: 'production' };
const auth: ActionTarget = { kind: 'Deployment', name: 'auth-service', namespace: 'production' };

async function waitFor(id: string, statuses: ActionStatus[]): Promise<ActionRequest> {
  for (let i = 0; i < 400; i++) {
    const row = await showAction(t.db, carol, id);
    if (statuses.includes(row.status)) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`action ${id} never reached ${statuses.join('|')}`);
}

const pending = async (action: string, target: ActionTarget, params: Record<string, unknown> = {}) => {
  const a = await proposeAction(t.db, { principal: alice }, { action, target, params, reason: 'test' });
  return waitFor(a.id, ['pending_approval', 'dry_run_failed']);
};

beforeAll(async () => {
  t = await createTestDatabase();
  bus = await createTestBus();
  api = await startFakeApiServer(serverOptions);
  const kubeconfig = await writeKubeconfig(api.url, { token: 'executor' });
  temp.push(dirname(kubeconfig));
  const registry = registerExecutor(createRegistry(), { db: t.db, writer: createKubeWriter(kubeconfig), verify: { attempts: 3, intervalMs: 20 } });
  worker = startWorker({ db: t.db, bus, registry, concurrency: 2, pollIntervalMs: 25, leaseSeconds: 30, shutdownGraceMs: 1000, backoff: { baseMs: 20, capMs: 50 } });
  await worker.registered;
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await bus?.close();
  await t?.drop();
  await Promise.all(temp.map((d) => rm(d, { recursive: true, force: true })));
});

describe('an approved action, end to end', () => {
  it('scale postgres to 1: dry-run diff, approval by another person, execution, verification', async () => {
    const a = await pending('scale', postgres, { replicas: 1 });
    expect(a.status).toBe('pending_approval');
    expect(a.dryRun?.diff).toEqual([{ path: 'spec.replicas', before: 0, after: 1 }]);
    expect(a.destructive).toBeNull();
    const dry = api.writes.filter((w) => w.path.endsWith('/deployments/postgres'));
    expect(dry).toHaveLength(1);
    expect(dry[0]).toMatchObject({ dryRun: true, contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: a.dryRun!.resourceVersion }, spec: { replicas: 1 } } });
    expect(api.object('Deployment', 'production', 'postgres')!.spec.replicas).toBe(0);

    const approved = await approveAction(t.db, bob, a.id, { reason: 'postgres is down, auth-service needs it' });
    expect(approved).toMatchObject({ status: expect.stringMatching(/approved|executing|verified/), decidedBy: 'user:bob' });
    const done = await waitFor(a.id, ['verified', 'verification_failed', 'failed']);
    expect(done.status).toBe('verified');
    expect(done.verification).toMatchObject({ ok: true, agent: 'reviewer', observed: expect.stringContaining('1/1 ready (spec.replicas 1)') });
    // Beyond the object's status: the new pod is ready and the postgres Service has a ready endpoint.
    expect(done.verification!.checks).toEqual([
      { check: 'pods_ready', ok: true, detail: '1/1 pod(s) ready' },
      { check: 'endpoints_ready', ok: true, detail: 'service postgres: 1 ready endpoint(s)' },
    ]);
    expect(api.object('Deployment', 'production', 'postgres')!.spec.replicas).toBe(1);
    const real = api.writes.filter((w) => w.path.endsWith('/deployments/postgres') && !w.dryRun);
    expect(real).toHaveLength(1);
    expect(real[0]!.body).toMatchObject({ metadata: { resourceVersion: a.dryRun!.resourceVersion } });

    const trail = (await listEvents(t.db, done.proposalRunId!)).map((e) => e.type);
    expect(trail).toEqual(expect.arrayContaining(['action.proposed', 'action.dry_run', 'action.approved']));
    // The request's status is written by the handler; the run's ledger events land when its task completes, a moment later.
    await vi.waitFor(async () => {
      expect((await listEvents(t.db, done.executionRunId!)).map((e) => e.type)).toEqual(expect.arrayContaining(['action.executing', 'action.executed', 'action.verified']));
    }, { timeout: 15_000, interval: 50 });
    const audit = (await listAudit(t.db, {})).events.filter((e) => e.target === `action:${a.id}`).map((e) => [e.action, e.actorId]);
    expect(audit).toEqual(expect.arrayContaining([['action.propose', 'alice'], ['action.approve', 'bob']]));
  });

  it('a rollout restart that never becomes ready is reported as failed verification', async () => {
    serverOptions.writable!.settle = 'stuck';
    try {
      const a = await pending('rollout_restart', auth);
      await approveAction(t.db, bob, a.id, { reason: 'restart' });
      const done = await waitFor(a.id, ['verified', 'verification_failed', 'failed']);
      expect(done.status).toBe('verification_failed');
      expect(done.verification).toMatchObject({ ok: false, observed: expect.stringMatching(/observed 6/) });
    } finally {
      serverOptions.writable!.settle = 'converge';
    }
  });

  it('an object changed after the approval is not written: 409, failed, unchanged', async () => {
    const a = await pending('scale', { ...postgres, name: 'api-gateway' }, { replicas: 4 });
    api.object('Deployment', 'production', 'api-gateway')!.metadata.resourceVersion = '9999999';
    await approveAction(t.db, bob, a.id, { reason: 'more capacity' });
    const done = await waitFor(a.id, ['verified', 'verification_failed', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.execution).toMatchObject({ ok: false, error: expect.stringContaining('changed since it was approved') });
    expect(api.writes.at(-1)).toMatchObject({ status: 409, dryRun: false });
    expect(api.object('Deployment', 'production', 'api-gateway')!.spec.replicas).toBe(2);
  });

  it('a rejected action is never executed', async () => {
    const a = await pending('delete_pod', { kind: 'Pod', name: 'auth-service-7d9f8b6c5d-r5t7w', namespace: 'production' });
    const before = api.writes.length;
    const r = await rejectAction(t.db, bob, a.id, { reason: 'not now' });
    expect(r.status).toBe('rejected');
    await expect(approveAction(t.db, carol, a.id, { reason: 'changed my mind' })).rejects.toMatchObject({ code: 'conflict' });
    expect(api.writes.length).toBe(before);
  });
});

describe('who may approve', () => {
  let a: ActionRequest;
  beforeAll(async () => {
    a = await pending('scale', { ...postgres, name: 'payment-worker' }, { replicas: 3 });
  });

  it.each([
    ['the person who proposed it', alice, 'forbidden', /you proposed/],
    ['the same person through a key', person('alice', ['operator'], { keyType: 'live' }), 'forbidden', /you proposed/],
    ['a viewer', viewer, 'forbidden', /kubernetes:write/],
    ['a sk_test_ key', person('tess', ['operator'], { keyType: 'test' }), 'forbidden', /kubernetes:write/],
    ['someone limited to another namespace', person('sam', ['operator'], { namespaces: ['staging'] }), 'not_found', /does not exist/],
  ])('not %s', async (_who, principal, code, message) => {
    await expect(approveAction(t.db, principal, a.id, { reason: 'x' })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect((await showAction(t.db, carol, a.id)).status).toBe('pending_approval');
  });

  it('a sk_test_ key that somehow holds kubernetes:write still cannot', async () => {
    const key = { ...person('tess', ['operator'], { keyType: 'test' }), permissions: permissionsForRoles(['operator']) };
    await expect(approveAction(t.db, key, a.id, { reason: 'x' })).rejects.toMatchObject({ code: 'read_only_key' });
  });

  it('not after it expired', async () => {
    const later = new Date(Date.now() + 2 * 60 * 60 * 1000);
    await expect(approveAction(t.db, bob, a.id, { reason: 'x' }, { now: later })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/expired/) });
    expect((await showAction(t.db, carol, a.id)).status).toBe('expired');
  });

  it('a destructive action needs an admin who says so', async () => {
    const down = await pending('scale', auth, { replicas: 1 });
    expect(down.destructive).toMatch(/scales down from 3 to 1/);
    await expect(approveAction(t.db, bob, down.id, { reason: 'x', allowDestructive: true })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/only an admin/) });
    await expect(approveAction(t.db, carol, down.id, { reason: 'x' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/allowDestructive/) });
    const ok = await approveAction(t.db, carol, down.id, { reason: 'load test over', allowDestructive: true });
    expect(ok.decidedBy).toBe('user:carol');
  });

  it('proposals are checked against the action schema', async () => {
    await expect(proposeAction(t.db, { principal: alice }, { action: 'scale', target: postgres, params: { replicas: 'many' }, reason: 'x' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(proposeAction(t.db, { principal: viewer }, { action: 'scale', target: postgres, params: { replicas: 2 }, reason: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('a node: cluster-scoped', () => {
  it('cordon: proposed and approved only by callers over every namespace; hidden from the others', async () => {
    const sam = person('sam', ['operator'], { namespaces: ['production'] });
    await expect(proposeAction(t.db, { principal: sam }, { action: 'cordon', target: { kind: 'Node', name: 'node-2' }, reason: 'disk pressure' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/cluster-scoped: it needs kubernetes:write over every namespace/) });
    const a = await pending('cordon', { kind: 'Node', name: 'node-2' });
    expect(a).toMatchObject({ status: 'pending_approval', namespace: null, dryRun: { diff: [{ path: 'spec.unschedulable', before: null, after: true }] } });
    await expect(approveAction(t.db, sam, a.id, { reason: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    const done = await approveAction(t.db, bob, a.id, { reason: 'node-2 keeps failing its disk' });
    expect(done.decidedBy).toBe('user:bob');
    expect((await waitFor(a.id, ['verified', 'verification_failed', 'failed'])).status).toBe('verified');
    expect(api.object('Node', undefined, 'node-2')!.spec.unschedulable).toBe(true);
    expect(api.writes.filter((w) => w.path === '/api/v1/nodes/node-2').map((w) => w.dryRun)).toEqual([true, false]);
  });
});

describe('without an executor', () => {
  it('there is no write path: a proposal is refused, saying why', async () => {
    const bare = await createTestDatabase();
    try {
      await expect(proposeAction(bare.db, { principal: alice }, { action: 'scale', target: postgres, params: { replicas: 1 }, reason: 'x' })).rejects.toMatchObject({ code: 'not_ready', message: expect.stringMatching(/read-only/) });
    } finally {
      await bare.drop();
    }
  });
});
