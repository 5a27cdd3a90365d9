import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAction, type ActionTarget, type CheckedAction, type KubeObject, type Related } from '../../src/agents/actions/catalogue.js';
import { createKubeWriter, type KubeWriter } from '../../src/agents/actions/kube-writer.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';

/**
 * The second set of actions on the wire, through the real @kubernetes/client-node against the
 * loopback API server: rollout_undo, set_image, set_resources, patch_env, cordon, uncordon —
 * each one's exact body and content type, dryRun=All on the dry-run (nothing stored), the
 * resourceVersion precondition, and the 409 when the object changed since.
 */
let api: FakeApiServer;
let writer: KubeWriter;
let dir: string;
const now = new Date('2025-03-14T11:00:00Z');
const frontend: ActionTarget = { kind: 'Deployment', name: 'frontend', namespace: 'production' };
const payment: ActionTarget = { kind: 'Deployment', name: 'payment-worker', namespace: 'production' };
const auth: ActionTarget = { kind: 'Deployment', name: 'auth-service', namespace: 'production' };
const node: ActionTarget = { kind: 'Node', name: 'node-3' };

beforeAll(async () => {
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor-token' } });
  const kubeconfig = await writeKubeconfig(api.url, { token: 'executor-token' });
  dir = dirname(kubeconfig);
  writer = createKubeWriter(kubeconfig);
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const related = async (a: CheckedAction, current: KubeObject): Promise<Related> =>
  a.needs === 'history' ? { history: await writer.list('ReplicaSet', current.metadata!.namespace!, 'app=frontend') } : {};

/** Dry-run then (optionally) the real write, as the executor does; returns the recorded writes. */
async function run(a: CheckedAction, target: ActionTarget, real: boolean) {
  const current = (await writer.read(target))!;
  const rv = current.metadata!.resourceVersion!;
  const request = a.request(current, now, await related(a, current));
  const dry = await writer.send(target, request, { resourceVersion: rv, dryRun: true });
  const dryWrite = api.writes.at(-1)!;
  const done = real ? await writer.send(target, request, { resourceVersion: rv, dryRun: false }) : undefined;
  return { current, rv, dry, dryWrite, done, realWrite: real ? api.writes.at(-1)! : undefined };
}

describe('rollout_undo', () => {
  it("a JSON patch that puts the previous ReplicaSet's template (without pod-template-hash) back, as kubectl does", async () => {
    const a = checkAction('rollout_undo', frontend, {});
    const { rv, dry, dryWrite, realWrite } = await run(a, frontend, true);
    expect(dryWrite).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/production/deployments/frontend', contentType: 'application/json-patch+json', dryRun: true, status: 200 });
    expect(dryWrite.query.dryRun).toBe('All');
    const body = dryWrite.body as Array<{ op: string; path: string; value: any }>;
    expect(body.map((o) => [o.op, o.path])).toEqual([
      ['replace', '/metadata/resourceVersion'],
      ['replace', '/spec/template'],
      ['replace', '/metadata/annotations'],
    ]);
    expect(body[0]!.value).toBe(rv);
    expect(body[1]!.value.metadata.labels).toEqual({ app: 'frontend' });
    expect(body[1]!.value.spec.containers[0].image).toBe('registry.example.com/frontend:v2.3.0');
    // The Deployment keeps its own revision annotation; the ReplicaSet's desired/max-replicas are skipped.
    expect(body[2]!.value).toEqual({ 'deployment.kubernetes.io/revision': '8' });
    expect((dry.spec as any).template.spec.containers[0].image).toBe('registry.example.com/frontend:v2.3.0');
    expect(realWrite).toMatchObject({ dryRun: false, status: 200 });
    expect(api.object('Deployment', 'production', 'frontend')!.spec.template.spec.containers[0].image).toBe('registry.example.com/frontend:v2.3.0');
  });

  it('refuses when the template already is the previous revision, and an unknown revision', async () => {
    const a = checkAction('rollout_undo', frontend, { toRevision: 7 });
    const current = (await writer.read(frontend))!;
    expect(() => a.request(current, now, { history: [] })).toThrow(/unable to find revision 7 of deployment\/frontend; revisions: none/);
    const rs = await writer.list('ReplicaSet', 'production', 'app=frontend');
    expect(() => a.request(current, now, { history: rs })).toThrow(/already runs the template of revision 7: nothing to roll back/);
  });

  it('a stale resourceVersion is a 409 and nothing changes', async () => {
    const a = checkAction('rollout_undo', auth, {});
    const current = (await writer.read(auth))!;
    const request = a.request(current, now, { history: await writer.list('ReplicaSet', 'production', 'app=auth-service') });
    await expect(writer.send(auth, request, { resourceVersion: '4812000', dryRun: false })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('the object has been modified') });
    expect(api.writes.at(-1)!.status).toBe(409);
    expect(api.object('Deployment', 'production', 'auth-service')!.spec.template.spec.containers[0].image).toBe('registry.example.com/auth-service:v1.8.2');
  });
});

describe('rollout_undo of a StatefulSet or DaemonSet: its ControllerRevisions', () => {
  let revApi: FakeApiServer;
  let revWriter: KubeWriter;
  let revDir: string;
  const redis: ActionTarget = { kind: 'StatefulSet', name: 'redis', namespace: 'production' };
  const shipper: ActionTarget = { kind: 'DaemonSet', name: 'log-shipper', namespace: 'production' };

  /**
   * The demo cluster plus the ControllerRevisions a controller keeps for each workload: the current
   * template as the highest revision, and older ones with an older image (what `kubectl rollout
   * history` would list after two image updates). `data` is the patch the controller records.
   */
  beforeAll(async () => {
    revDir = await mkdtemp(join(tmpdir(), 'syntra-revisions-'));
    await cp(DEMO_DIR, revDir, { recursive: true });
    const items: unknown[] = [];
    for (const [file, kind] of [['statefulsets.json', 'StatefulSet'], ['daemonsets.json', 'DaemonSet']] as const) {
      const w = (JSON.parse(await readFile(join(revDir, 'production', file), 'utf8')) as { items: KubeObject[] }).items[0]!;
      const image = (w.spec as any).template.spec.containers[0].image as string;
      [`${image.split(':')[0]}:old-1`, `${image.split(':')[0]}:old-2`, image].forEach((img, i) => {
        const template = structuredClone((w.spec as any).template);
        template.spec.containers[0].image = img;
        items.push({
          metadata: { name: `${w.metadata!.name}-${i + 1}`, namespace: 'production', labels: { ...(w.spec as any).selector.matchLabels }, ownerReferences: [{ apiVersion: 'apps/v1', kind, name: w.metadata!.name, uid: w.metadata!.uid, controller: true, blockOwnerDeletion: true }] },
          data: { spec: { template: { $patch: 'replace', ...template } } },
          revision: i + 1,
        });
      });
    }
    await writeFile(join(revDir, 'production', 'controllerrevisions.json'), JSON.stringify({ kind: 'ControllerRevisionList', apiVersion: 'apps/v1', items }));
    revApi = await startFakeApiServer({ dir: revDir, writable: { settle: 'converge', writerToken: 'executor-token' } });
    revWriter = createKubeWriter(await writeKubeconfig(revApi.url, { token: 'executor-token' }));
  });
  afterAll(async () => {
    await revApi?.close();
    if (revDir) await rm(revDir, { recursive: true, force: true });
  });

  const undo = async (target: ActionTarget, params: { toRevision?: number }, selector: string) => {
    const current = (await revWriter.read(target))!;
    const request = checkAction('rollout_undo', target, params).request(current, now, { history: await revWriter.list('ControllerRevision', 'production', selector) });
    return { current, request };
  };

  it("sends the previous revision's data as a strategic merge patch, as kubectl does, and the template is replaced", async () => {
    const { current, request } = await undo(redis, {}, 'app=redis');
    expect(request).toMatchObject({ verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: { spec: { template: { $patch: 'replace' } } } });
    await revWriter.send(redis, request, { resourceVersion: current.metadata!.resourceVersion!, dryRun: false });
    const write = revApi.writes.at(-1)!;
    expect(write).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/production/statefulsets/redis', contentType: 'application/strategic-merge-patch+json', status: 200 });
    const after = revApi.object('StatefulSet', 'production', 'redis')!;
    expect(after.spec.template.spec.containers[0].image).toMatch(/:old-2$/);
    // Replaced, not merged: the pod spec is the revision's, nothing of the current one kept.
    const revision = (await revWriter.list('ControllerRevision', 'production', 'app=redis')).find((r) => r.metadata!.name === 'redis-2') as { data: { spec: { template: { spec: unknown } } } };
    expect(after.spec.template.spec).toEqual(revision.data.spec.template.spec);
  });

  it('goes to a given revision of a DaemonSet, and refuses an unknown one or the template it already runs', async () => {
    const { current, request } = await undo(shipper, { toRevision: 1 }, 'app=log-shipper');
    expect(((request as { body: any }).body.spec.template.spec.containers[0].image as string).endsWith(':old-1')).toBe(true);
    expect(current.kind).toBe('DaemonSet');
    await expect(undo(shipper, { toRevision: 9 }, 'app=log-shipper')).rejects.toThrow(/unable to find revision 9 of daemonset\/log-shipper; revisions: 3, 2, 1/);
    await expect(undo(shipper, { toRevision: 3 }, 'app=log-shipper')).rejects.toThrow(/daemonset\/log-shipper already runs the template of revision 3: nothing to roll back/);
    // Another workload's revisions are not this one's history.
    const foreign = (await revWriter.list('ControllerRevision', 'production', 'app=redis'));
    expect(() => checkAction('rollout_undo', shipper, {}).request(current, now, { history: foreign })).toThrow(/has no previous revision to roll back to \(revisions: none\)/);
  });
});

describe('container actions: a strategic merge patch of one container, merged by name', () => {
  it('set_image', async () => {
    const a = checkAction('set_image', payment, { container: 'payment-worker', image: 'registry.example.com/payment-worker:2.4.2' });
    const { rv, dry, dryWrite } = await run(a, payment, false);
    expect(dryWrite).toMatchObject({ contentType: 'application/strategic-merge-patch+json', dryRun: true, query: { dryRun: 'All' } });
    expect(dryWrite.body).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'payment-worker', namespace: 'production', resourceVersion: rv },
      spec: { template: { spec: { containers: [{ name: 'payment-worker', image: 'registry.example.com/payment-worker:2.4.2' }] } } },
    });
    // The other fields of the container survive the merge (merged by name, not replaced).
    const c = (dry.spec as any).template.spec.containers[0];
    expect(c).toMatchObject({ image: 'registry.example.com/payment-worker:2.4.2', resources: { limits: { memory: '256Mi' } } });
    expect(api.object('Deployment', 'production', 'payment-worker')!.spec.template.spec.containers[0].image).toBe('registry.example.com/payment-worker:2.4.1');
    const other = { ...(await writer.read(payment))!, spec: { template: { spec: { containers: [{ name: 'other' }] } } } };
    expect(() => a.request(other, now)).toThrow(/has no container "payment-worker"; its containers: other/);
  });

  it('set_resources: a higher memory limit; a request above its limit is refused', async () => {
    const a = checkAction('set_resources', payment, { container: 'payment-worker', limits: { memory: '512Mi' } });
    const { rv, dryWrite, realWrite } = await run(a, payment, true);
    expect(dryWrite.body).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'payment-worker', namespace: 'production', resourceVersion: rv },
      spec: { template: { spec: { containers: [{ name: 'payment-worker', resources: { limits: { memory: '512Mi' } } }] } } },
    });
    expect(realWrite).toMatchObject({ dryRun: false, status: 200, contentType: 'application/strategic-merge-patch+json' });
    expect(api.object('Deployment', 'production', 'payment-worker')!.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    const tooBig = checkAction('set_resources', payment, { container: 'payment-worker', requests: { memory: '1Gi' } });
    expect(() => tooBig.request((api.object('Deployment', 'production', 'payment-worker') as KubeObject), now)).toThrow(/memory request 1Gi would exceed its limit 512Mi/);
    expect(() => checkAction('set_resources', payment, { container: 'payment-worker', limits: { memory: 'lots' } })).toThrow(/parameters of set_resources/);
  });

  it('patch_env: set one variable, then unset it with $patch: delete; secrets refused', async () => {
    const set = checkAction('patch_env', auth, { container: 'auth-service', name: 'LOG_LEVEL', value: 'debug' });
    const first = await run(set, auth, true);
    expect(first.dryWrite.body).toMatchObject({ spec: { template: { spec: { containers: [{ name: 'auth-service', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }] } } } });
    const env = () => api.object('Deployment', 'production', 'auth-service')!.spec.template.spec.containers[0].env as Array<{ name: string }>;
    expect(env().map((e) => e.name)).toContain('LOG_LEVEL');
    expect(env().map((e) => e.name)).toContain('DATABASE_HOST');

    const unset = checkAction('patch_env', auth, { container: 'auth-service', name: 'LOG_LEVEL', unset: true });
    const second = await run(unset, auth, true);
    expect(second.dryWrite.body).toMatchObject({ spec: { template: { spec: { containers: [{ name: 'auth-service', env: [{ $patch: 'delete', name: 'LOG_LEVEL' }] }] } } } });
    expect(env().map((e) => e.name)).not.toContain('LOG_LEVEL');
    expect(env()).toHaveLength(9);

    const current = (await writer.read(auth))!;
    expect(() => checkAction('patch_env', auth, { container: 'auth-service', name: 'DATABASE_PASSWORD', value: 'x' }).request(current, now)).toThrow(/looks like a secret/);
    expect(() => checkAction('patch_env', auth, { container: 'auth-service', name: 'NOPE', unset: true }).request(current, now)).toThrow(/has no variable NOPE/);
    expect(() => checkAction('patch_env', auth, { container: 'auth-service', name: 'A', value: 'x', unset: true }).request(current, now)).toThrow(/exactly one of value/);
  });

  it('a stale resourceVersion is a 409 for a container patch too', async () => {
    const a = checkAction('set_image', payment, { container: 'payment-worker', image: 'registry.example.com/payment-worker:9' });
    const current = (await writer.read(payment))!;
    await expect(writer.send(payment, a.request(current, now), { resourceVersion: '1', dryRun: false })).rejects.toMatchObject({ code: 'conflict' });
    expect(api.writes.at(-1)!.status).toBe(409);
  });
});

describe('every new action: the object changed since the dry-run → 409, nothing applied', () => {
  it.each([
    ['set_resources', payment, { container: 'payment-worker', limits: { memory: '1Gi' } }],
    ['patch_env', auth, { container: 'auth-service', name: 'LOG_LEVEL', value: 'info' }],
    ['cordon', { kind: 'Node', name: 'node-1' } as ActionTarget, {}],
  ] as const)('%s', async (name, target, params) => {
    const a = checkAction(name, target, params);
    const current = (await writer.read(target))!;
    const seen = current.metadata!.resourceVersion!;
    const before = JSON.stringify(api.object(target.kind, target.namespace, target.name));
    // Someone else writes the object between the dry-run and the execution.
    api.object(target.kind, target.namespace, target.name)!.metadata.resourceVersion = '7000001';
    await expect(writer.send(target, a.request(current, now), { resourceVersion: seen, dryRun: false })).rejects.toMatchObject({ code: 'conflict' });
    expect(api.writes.at(-1)).toMatchObject({ status: 409, dryRun: false });
    expect(JSON.stringify(api.object(target.kind, target.namespace, target.name))).toBe(before.replace(`"resourceVersion":"${seen}"`, '"resourceVersion":"7000001"'));
  });
});

describe('cordon and uncordon: a node, cluster-scoped', () => {
  it('cordon patches spec.unschedulable on /api/v1/nodes/NAME; uncordon removes it', async () => {
    const c = checkAction('cordon', node, {});
    const { rv, dryWrite, realWrite } = await run(c, node, true);
    expect(dryWrite).toMatchObject({ method: 'PATCH', path: '/api/v1/nodes/node-3', contentType: 'application/strategic-merge-patch+json', dryRun: true, query: { dryRun: 'All' } });
    expect(dryWrite.body).toEqual({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-3', resourceVersion: rv }, spec: { unschedulable: true } });
    expect(realWrite).toMatchObject({ status: 200, dryRun: false });
    const cordoned = await writer.read(node);
    expect(c.verify(cordoned!, cordoned)).toMatchObject({ state: 'ok' });
    expect(() => c.request(cordoned!, now)).toThrow(/already cordoned/);

    const u = checkAction('uncordon', node, {});
    const back = await run(u, node, true);
    expect(back.dryWrite.body).toMatchObject({ spec: { unschedulable: null } });
    expect(api.object('Node', undefined, 'node-3')!.spec.unschedulable).toBeUndefined();
  });

  it('a node takes no namespace; a workload needs one', () => {
    expect(() => checkAction('cordon', { ...node, namespace: 'production' }, {})).toThrow(/cluster-scoped: leave target.namespace out/);
    expect(() => checkAction('scale', { kind: 'Deployment', name: 'x' }, { replicas: 1 })).toThrow(/target.namespace is required/);
  });
});
