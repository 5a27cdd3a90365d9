import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { permissionsForRoles } from '../../src/access/permissions.js';
import type { Principal } from '../../src/access/principal.js';
import { approveAction, executorNotice, proposeAction, showAction } from '../../src/agents/actions/approvals.js';
import type { ActionTarget } from '../../src/agents/actions/catalogue.js';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import type { ActionRequest, ActionStatus } from '../../src/agents/actions/store.js';
import type { Bus } from '../../src/bus/bus.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { createTestBus } from '../helpers/bus.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer, type FakeApiServerOptions } from '../helpers/fake-apiserver.js';

/**
 * The Reviewer's verification beyond the object's status — pods ready, the Service's endpoints
 * ready, the diagnosis's error line gone from the new pods' logs — on a workload that recovers
 * and on one that keeps failing; and a proposal nobody serves says so instead of waiting silently.
 */
let t: TestDatabase;
let bus: Bus;
let api: FakeApiServer;
let worker: RunningWorker;
let dir: string;
const options: FakeApiServerOptions = { dir: DEMO_DIR, writable: { settle: 'stuck', writerToken: 'executor' } };
const who = (id: string): Principal => ({ type: 'user', id, userId: id, email: `${id}@example.com`, roles: ['operator'], permissions: permissionsForRoles(['operator']), namespaces: null, keyType: null });
const bob = who('bob');
const auth: ActionTarget = { kind: 'Deployment', name: 'auth-service', namespace: 'production' };
const ERROR_LINE = 'Error: connect ECONNREFUSED 10.96.112.45:5432';

async function waitFor(id: string, statuses: ActionStatus[]): Promise<ActionRequest> {
  for (let i = 0; i < 600; i++) {
    const row = await showAction(t.db, bob, id);
    if (statuses.includes(row.status)) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`action ${id} never reached ${statuses.join('|')}`);
}

/** A restart of auth-service proposed by its diagnosis (error line and subject recorded), approved by bob. */
async function restartAuth(): Promise<ActionRequest> {
  const { runId } = await submitCommand(t.db, { kind: 'ask', input: { prompt: 'why is auth-service crashing' }, namespace: 'production' });
  const a = await proposeAction(t.db, { runId }, { action: 'rollout_restart', target: auth, reason: 'dependency_unreachable', sourceRunId: runId, rootCauseType: 'dependency_unreachable', errorLine: ERROR_LINE, subject: auth });
  await waitFor(a.id, ['pending_approval']);
  await approveAction(t.db, bob, a.id, { reason: 'try a restart' });
  return waitFor(a.id, ['verified', 'verification_failed', 'failed']);
}

beforeAll(async () => {
  t = await createTestDatabase();
  bus = await createTestBus();
  api = await startFakeApiServer(options);
  const kubeconfig = await writeKubeconfig(api.url, { token: 'executor' });
  dir = dirname(kubeconfig);
  worker = startWorker({ db: t.db, bus, registry: registerExecutor(createRegistry(), { db: t.db, writer: createKubeWriter(kubeconfig), verify: { attempts: 3, intervalMs: 20 } }), concurrency: 2, pollIntervalMs: 25, leaseSeconds: 30, shutdownGraceMs: 1000 });
  await worker.registered;
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await bus?.close();
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the Reviewer verifies with evidence', () => {
  it('a workload still failing: the new pod is not ready, the endpoints are not ready, the error is still logged', async () => {
    const done = await restartAuth();
    expect(done.status).toBe('verification_failed');
    const checks = (done.verification as { checks: Array<{ check: string; ok: boolean; detail: string }> }).checks;
    expect(checks.find((c) => c.check === 'pods_ready')).toMatchObject({ ok: false, detail: expect.stringMatching(/^0\/3 pod\(s\) ready; not ready: auth-service-7d9f8b6c5d-/) });
    expect(checks.find((c) => c.check === 'endpoints_ready')).toMatchObject({ ok: false, detail: 'service auth-service: 0 ready endpoint(s), 4 not ready' });
    expect(checks.find((c) => c.check === 'error_gone')).toMatchObject({ ok: false, detail: expect.stringContaining(`the error is still logged by the new pods: auth-service-r`) });
    expect(checks.find((c) => c.check === 'error_gone')!.detail).toContain(ERROR_LINE);
    expect(done.verification).toMatchObject({ ok: false, agent: 'reviewer', attempts: 3 });
  });

  it('a workload that recovers: pods ready, endpoints ready, the error line gone from the new logs', async () => {
    options.writable!.settle = 'converge';
    const done = await restartAuth();
    expect(done.status).toBe('verified');
    expect((done.verification as { checks: unknown[] }).checks).toEqual([
      { check: 'pods_ready', ok: true, detail: '3/3 pod(s) ready' },
      { check: 'endpoints_ready', ok: true, detail: 'service auth-service: 3 ready endpoint(s)' },
      { check: 'error_gone', ok: true, detail: `"${ERROR_LINE}" not in the logs of 3 new pod(s)` },
    ]);
  });
});

describe('no executor serving', () => {
  it('a proposal says nobody serves it and until when it waits', async () => {
    await worker.stop();
    const a = await proposeAction(t.db, { principal: who('alice') }, { action: 'rollout_restart', target: auth, reason: 'test' });
    expect(a.status).toBe('proposed');
    expect(await executorNotice(t.db, a)).toEqual({ serving: false, message: `no executor is serving namespace production; it will wait until ${a.expiresAt.toISOString()} (start a worker with SYNTRA_EXECUTOR_KUBECONFIG)` });
    await vi.waitFor(async () => expect((await showAction(t.db, bob, a.id)).status).toBe('proposed'));
  });
});
