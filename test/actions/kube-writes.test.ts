import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAction, type ActionTarget } from '../../src/agents/actions/catalogue.js';
import { createKubeWriter, type KubeWriter } from '../../src/agents/actions/kube-writer.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';

/**
 * Each action's request through the real @kubernetes/client-node against the loopback API
 * server: the exact body and content type, dryRun=All on the dry-run, the resourceVersion
 * precondition and the 409 when the object changed, and that only the executor identity writes.
 */
let api: FakeApiServer;
let writer: KubeWriter;
let reader: KubeWriter;
const dirs: string[] = [];
const now = new Date('2025-03-14T11:00:00Z');
const postgres: ActionTarget = { kind: 'Deployment', name: 'postgres', namespace: 'production' };
const auth: ActionTarget = { kind: 'Deployment', name: 'auth-service', namespace: 'production' };

beforeAll(async () => {
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor-token' } });
  const w = await writeKubeconfig(api.url, { token: 'executor-token' });
  const r = await writeKubeconfig(api.url, { token: 'reader-token' });
  dirs.push(dirname(w), dirname(r));
  writer = createKubeWriter(w);
  reader = createKubeWriter(r);
});
afterAll(async () => {
  await api.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('action requests on the wire', () => {
  it('scale: a merge patch of spec.replicas with the resourceVersion; the dry-run stores nothing', async () => {
    const action = checkAction('scale', postgres, { replicas: 1 });
    const current = (await writer.read(postgres))!;
    expect(action.destructive(current)).toBeUndefined();
    const rv = current.metadata!.resourceVersion!;
    const dry = await writer.send(postgres, action.request(current, now), { resourceVersion: rv, dryRun: true });
    expect(dry.spec?.replicas).toBe(1);
    const w = api.writes.at(-1)!;
    expect(w).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/production/deployments/postgres', contentType: 'application/merge-patch+json', dryRun: true, status: 200 });
    expect(w.query.dryRun).toBe('All');
    expect(w.body).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'postgres', namespace: 'production', resourceVersion: rv }, spec: { replicas: 1 } });
    expect(api.object('Deployment', 'production', 'postgres')!.spec.replicas).toBe(0);

    const done = await writer.send(postgres, action.request(current, now), { resourceVersion: rv, dryRun: false });
    expect(done.spec?.replicas).toBe(1);
    expect(api.writes.at(-1)).toMatchObject({ dryRun: false, status: 200 });
    expect(api.writes.at(-1)!.query.dryRun).toBeUndefined();
    const after = await writer.read(postgres);
    expect(action.verify(current, after)).toMatchObject({ state: 'ok' });
  });

  it('a stale resourceVersion is a 409 conflict, and nothing changes', async () => {
    const action = checkAction('scale', postgres, { replicas: 3 });
    const current = (await writer.read(postgres))!;
    await expect(writer.send(postgres, action.request(current, now), { resourceVersion: '4812105', dryRun: false })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('the object has been modified') });
    expect(api.writes.at(-1)!.status).toBe(409);
    expect(api.object('Deployment', 'production', 'postgres')!.spec.replicas).toBe(1);
  });

  it('rollout_restart: a strategic merge patch of the pod template annotation', async () => {
    const action = checkAction('rollout_restart', auth, {});
    const current = (await writer.read(auth))!;
    await writer.send(auth, action.request(current, now), { resourceVersion: current.metadata!.resourceVersion!, dryRun: true });
    const w = api.writes.at(-1)!;
    expect(w.contentType).toBe('application/strategic-merge-patch+json');
    expect(w.body).toMatchObject({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-03-14T11:00:00.000Z' } } } } });
    expect(w.query.dryRun).toBe('All');
  });

  it('delete_pod: DELETE with a resourceVersion precondition in the DeleteOptions', async () => {
    const pod: ActionTarget = { kind: 'Pod', name: 'auth-service-7d9f8b6c5d-m8n3q', namespace: 'production' };
    const action = checkAction('delete_pod', pod, {});
    const current = (await writer.read(pod))!;
    await writer.send(pod, action.request(current, now), { resourceVersion: current.metadata!.resourceVersion!, dryRun: true });
    expect(api.writes.at(-1)).toMatchObject({ method: 'DELETE', dryRun: true, status: 200, body: { preconditions: { resourceVersion: current.metadata!.resourceVersion } } });
    expect(await writer.read(pod)).toBeDefined();
  });

  it('the read-only identity cannot write (403 from the cluster)', async () => {
    const current = (await reader.read(postgres))!;
    const action = checkAction('scale', postgres, { replicas: 2 });
    await expect(reader.send(postgres, action.request(current, now), { resourceVersion: current.metadata!.resourceVersion!, dryRun: true })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('checking an action', () => {
  it('refuses unknown actions, wrong kinds and parameters outside the schema', () => {
    expect(() => checkAction('drop_database', postgres, {})).toThrow(/unknown action "drop_database"/);
    expect(() => checkAction('scale', { ...postgres, kind: 'Pod' }, { replicas: 1 })).toThrow(/scale applies to Deployment, StatefulSet, not Pod/);
    expect(() => checkAction('scale', postgres, { replicas: -1 })).toThrow(/\/replicas/);
    expect(() => checkAction('scale', postgres, { replicas: 1, force: true })).toThrow(/parameters of scale/);
  });

  it('scaling down or to zero is destructive; up is not', () => {
    const current = { spec: { replicas: 3 } };
    expect(checkAction('scale', auth, { replicas: 2 }).destructive(current)).toMatch(/scales down from 3 to 2/);
    expect(checkAction('scale', auth, { replicas: 0 }).destructive(current)).toMatch(/zero/);
    expect(checkAction('scale', auth, { replicas: 4 }).destructive(current)).toBeUndefined();
  });
});
