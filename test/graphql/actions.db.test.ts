import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/access/audit.js';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { createTestKey } from '../access/admin-key.js';
import { eventually } from '../api/harness.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { codes, gql, startGraphQLServer, type GraphQLServer } from './client.js';

/**
 * Actions over GraphQL, against the same service functions as /v1/actions (src/api/operations/actions.ts):
 * a real executor worker dry-runs each proposal against the loopback Kubernetes API server, then
 * the contract — same data as REST, another namespace's action is null plus not_found, a viewer
 * and a sk_test_ key are refused, the proposer cannot decide their own action, a decision needs
 * a reason, refusals are audited as denied, and actionPolicies shows which self-healing rules are
 * active and why not.
 */
let s: GraphQLServer;
let api: FakeApiServer;
let worker: RunningWorker;
let dir: string;
const h: Record<'admin' | 'alice' | 'bob' | 'viewer' | 'testKey' | 'staging', Record<string, string>> = {} as never;

const ACTION = `query($id: String!) { action(id: $id) { id status risk action target { kind name namespace } namespace requestedBy requestedByUser expiresAt expired
  dryRun { diff { path before after } resourceVersion } decidedBy decisionReason executor { serving message } } }`;
const APPROVE = 'mutation($id: String!, $reason: String!) { approveAction(id: $id, reason: $reason) { id status decidedBy decisionReason } }';
const REJECT = 'mutation($id: String!, $reason: String!) { rejectAction(id: $id, reason: $reason) { id status decidedBy decisionReason } }';

async function propose(replicas: number, who = h.alice): Promise<string> {
  const body = { action: 'scale', target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, params: { replicas }, reason: 'auth-service cannot reach postgres' };
  const res = await fetch(s.url.replace('/graphql', '/v1/actions'), { method: 'POST', headers: { ...who, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  const id = ((await res.json()) as { id: string }).id;
  const after = await eventually(async () => ((await statusOf(id)) === 'proposed' ? undefined : statusOf(id)), 'dry-run');
  const dryRun = (await s.db.query<{ dry_run: unknown }>('SELECT dry_run FROM action_requests WHERE id = $1', [id])).rows[0]?.dry_run;
  expect(after, JSON.stringify(dryRun)).toBe('pending_approval');
  return id;
}

// Waited for in the database: polling through the API would spend the viewer key's request budget the tests need.
const statusOf = async (id: string) => (await s.db.query<{ status: string }>('SELECT status FROM action_requests WHERE id = $1', [id])).rows[0]?.status;

beforeAll(async () => {
  s = await startGraphQLServer();
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor' } });
  const kubeconfig = await writeKubeconfig(api.url, { token: 'executor' });
  dir = dirname(kubeconfig);
  worker = startWorker({ db: s.db, bus: s.bus, registry: registerExecutor(createRegistry(), { db: s.db, writer: createKubeWriter(kubeconfig), verify: { attempts: 3, intervalMs: 20 } }), concurrency: 2, pollIntervalMs: 25, leaseSeconds: 30, shutdownGraceMs: 1000 });
  await worker.registered;
  h.admin = (await createTestKey(s.db)).headers;
  h.alice = (await createTestKey(s.db, { roles: ['operator'], type: 'live' })).headers;
  h.bob = (await createTestKey(s.db, { roles: ['operator'], type: 'live' })).headers;
  h.viewer = (await createTestKey(s.db, { roles: ['viewer'], type: 'live' })).headers;
  h.testKey = (await createTestKey(s.db, { roles: ['operator'], type: 'test' })).headers;
  h.staging = (await createTestKey(s.db, { roles: ['operator'], type: 'live', namespaces: ['staging'] })).headers;
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('actions over GraphQL', () => {
  it('lists and shows an action exactly as REST does, with its dry-run diff', async () => {
    const id = await propose(1);
    const viaGraphQL = (await gql(s.url, ACTION, { id }, h.viewer)).data!.action;
    const viaRest = (await (await fetch(s.url.replace('/graphql', `/v1/actions/${id}`), { headers: h.viewer })).json()) as Record<string, unknown>;
    expect(viaGraphQL).toMatchObject({ id, status: 'pending_approval', risk: 'medium', action: 'scale', target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, expired: false, decidedBy: null, executor: null });
    expect(viaGraphQL.dryRun.diff).toEqual([{ path: 'spec.replicas', before: 0, after: 1 }]);
    expect(viaGraphQL.dryRun).toEqual({ diff: viaRest.dryRun && (viaRest.dryRun as { diff: unknown }).diff, resourceVersion: (viaRest.dryRun as { resourceVersion: string }).resourceVersion });
    expect([viaGraphQL.expiresAt, viaGraphQL.requestedBy, viaGraphQL.requestedByUser]).toEqual([viaRest.expiresAt, viaRest.requestedBy, viaRest.requestedByUser]);
    const pending = await gql(s.url, '{ actions(status: "pending_approval") { items { id status } } }', {}, h.viewer);
    expect(pending.data!.actions.items).toContainEqual({ id, status: 'pending_approval' });
    const bad = await gql(s.url, '{ actions(status: "done") { items { id } } }', {}, h.viewer);
    expect(codes(bad)).toEqual(['validation_failed']);
  });

  it('refuses another namespace, a viewer, a sk_test_ key, the proposer and a missing reason; audits the refusals; approves once', async () => {
    const id = await propose(2);
    // Another namespace's key: null plus not_found, as a missing action; the list leaves it out; deciding answers not_found too.
    const foreign = await gql(s.url, ACTION, { id }, h.staging);
    expect(foreign.data!.action).toBeNull();
    expect(codes(foreign)).toEqual(['not_found']);
    expect((await gql(s.url, '{ actions { items { id } } }', {}, h.staging)).data!.actions.items).toEqual([]);
    expect(codes(await gql(s.url, APPROVE, { id, reason: 'not mine to see' }, h.staging))).toEqual(['not_found']);
    expect(codes(await gql(s.url, APPROVE, { id, reason: 'x' }, h.viewer))).toEqual(['forbidden']);
    expect(codes(await gql(s.url, REJECT, { id, reason: 'x' }, h.viewer))).toEqual(['forbidden']);
    expect(codes(await gql(s.url, APPROVE, { id, reason: 'x' }, h.testKey))).toEqual(['read_only_key']);
    const own = await gql(s.url, APPROVE, { id, reason: 'mine' }, h.alice);
    expect(codes(own)).toEqual(['forbidden']);
    expect(own.errors![0]!.message).toMatch(/you proposed/);
    expect(codes(await gql(s.url, 'mutation($id: String!) { approveAction(id: $id, reason: "  ") { id } }', { id }, h.bob))).toEqual(['validation_failed']);
    expect(codes(await gql(s.url, 'mutation($id: String!) { approveAction(id: $id) { id } }', { id }, h.bob))).toEqual(['validation_failed']);
    expect((await gql(s.url, ACTION, { id }, h.viewer)).data!.action.status).toBe('pending_approval');
    const denied = (await listAudit(s.db, {})).events.filter((e) => e.action === 'action.approve' && e.result === 'denied');
    expect(denied.map((e) => (e.details as { code: string }).code)).toContain('forbidden');

    const approved = await gql(s.url, APPROVE, { id, reason: 'restore the database' }, h.bob);
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveAction).toMatchObject({ id, status: 'approved', decidedBy: expect.stringMatching(/^key:/), decisionReason: 'restore the database' });
    const again = await gql(s.url, REJECT, { id, reason: 'too late' }, h.bob);
    expect(codes(again)).toEqual(['conflict']);
    const trail = (await listAudit(s.db, {})).events.filter((e) => e.target === `action:${id}` && e.result === 'ok').map((e) => e.action);
    expect(trail).toContain('action.approve');
    // The approved scale runs on the worker: let it finish before the next proposal's dry run reads the same Deployment.
    await eventually(async () => (['verified', 'failed', 'verification_failed'].includes((await statusOf(id)) ?? '') ? true : undefined), 'the approved scale executed');
  });

  it('rejects with a reason', async () => {
    const id = await propose(3);
    const rejected = await gql(s.url, REJECT, { id, reason: 'three is too many' }, h.bob);
    expect(rejected.errors).toBeUndefined();
    expect(rejected.data!.rejectAction).toMatchObject({ id, status: 'rejected', decisionReason: 'three is too many' });
    expect((await gql(s.url, ACTION, { id }, h.viewer)).data!.action.status).toBe('rejected');
  });

  it('shows the self-healing rules, whether each is active, and why not', async () => {
    const off = await gql(s.url, '{ actionPolicies { selfHealing rules { id } } }', {}, h.viewer);
    expect(off.data!.actionPolicies).toEqual({ selfHealing: false, rules: [] });
    const now = Date.now();
    const update = await fetch(s.url.replace('/graphql', '/v1/control/arbiters/update'), {
      method: 'POST',
      headers: { ...h.admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'self-healing',
        autoApprove: [
          { actions: ['rollout_restart'], namespaces: ['staging'], rootCauses: ['oom_killed'], maxPerHourPerWorkload: 2 },
          { actions: ['scale'], namespaces: ['production'], rootCauses: ['service_no_endpoints'], maxPerHourPerWorkload: 1 },
        ],
        allowUnapprovedWrites: true,
        reason: 'restart OOM-killed staging workloads by themselves',
      }),
    });
    expect(update.status).toBeLessThan(300);
    const QUERY = '{ actionPolicies { selfHealing rules { id actions namespaces active notes } } }';
    const on = (await gql(s.url, QUERY, {}, h.viewer)).data!.actionPolicies;
    expect(on).toEqual({
      selfHealing: true,
      rules: [
        { id: 'self-healing#1', actions: ['rollout_restart'], namespaces: ['staging'], active: true, notes: [] },
        { id: 'self-healing#2', actions: ['scale'], namespaces: ['production'], active: false, notes: ['scale is medium risk: never approved by a policy'] },
      ],
    });
    const frozen = await fetch(s.url.replace('/graphql', '/v1/control/arbiters/update'), {
      method: 'POST',
      headers: { ...h.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'self-healing', freezeWindows: [{ start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString(), reason: 'release' }], allowUnapprovedWrites: true, reason: 'freeze' }),
    });
    expect(frozen.status).toBeLessThan(300);
    const off2 = (await gql(s.url, QUERY, {}, h.viewer)).data!.actionPolicies;
    expect(off2.selfHealing).toBe(false);
    expect(off2.rules[0]).toMatchObject({ active: false, notes: [expect.stringMatching(/^frozen until .* \(release\)$/)] });
    expect(codes(await gql(s.url, QUERY, {}, {}))).toEqual(['unauthenticated']);
  });
});
