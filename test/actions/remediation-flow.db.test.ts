import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsForRoles } from '../../src/access/permissions.js';
import type { Principal } from '../../src/access/principal.js';
import { approveAction, showAction } from '../../src/agents/actions/approvals.js';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import type { ActionRequest } from '../../src/agents/actions/store.js';
import type { AskRunOutput } from '../../src/agents/run-output.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { DEMO_QUESTION, startAgentHarness, type AgentHarness } from '../agents/harness.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';

/**
 * The "done when", on the demo cluster made writable in the loopback API server: the
 * auth-service investigation ends with a proposed `scale deployment/postgres --replicas=1`,
 * dry-run with its diff, approved by a person, executed by the executor and verified by the
 * Reviewer. Without an executor the same run lists the action and proposes nothing.
 */
let h: AgentHarness;
let api: FakeApiServer;
let executor: RunningWorker;
let dir: string;
const bob: Principal = { type: 'user', id: 'bob', userId: 'bob', email: 'bob@example.com', roles: ['operator'], permissions: permissionsForRoles(['operator']), namespaces: null, keyType: null };

beforeAll(async () => {
  h = await startAgentHarness();
  await h.startWorker();
});
afterAll(async () => {
  await executor?.stop();
  await api?.close();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const outputOf = async (runId: string) => (await h.waitForRun(runId)).run.output as AskRunOutput;

describe('the auth-service incident ends with an approved, verified action', () => {
  it('without an executor: the action is listed, read-only, nothing proposed', async () => {
    const out = await outputOf(await h.ask({ prompt: DEMO_QUESTION }));
    expect(out.proposedActions).toEqual([expect.objectContaining({ action: 'scale', target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, params: { replicas: 1 } })]);
    expect(out.proposedActions![0]!.id).toBeUndefined();
  });

  it('with an executor: proposed by the run, dry-run, approved, executed, verified', async () => {
    api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor' } });
    const kubeconfig = await writeKubeconfig(api.url, { token: 'executor' });
    dir = dirname(kubeconfig);
    executor = startWorker({ db: h.db, bus: h.bus, registry: registerExecutor(createRegistry(), { db: h.db, writer: createKubeWriter(kubeconfig), verify: { attempts: 3, intervalMs: 20 } }), concurrency: 2, pollIntervalMs: 25, leaseSeconds: 30, shutdownGraceMs: 1000 });
    await executor.registered;

    const runId = await h.ask({ prompt: DEMO_QUESTION });
    const out = await outputOf(runId);
    const proposed = out.proposedActions?.[0];
    expect(proposed).toMatchObject({ action: 'scale', id: expect.any(String), expectedEffect: expect.stringContaining('1 ready replica') });

    const wait = async (statuses: string[]): Promise<ActionRequest> => {
      for (let i = 0; i < 400; i++) {
        const a = await showAction(h.db, bob, proposed!.id!);
        if (statuses.includes(a.status)) return a;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`never ${statuses.join('|')}`);
    };
    const pending = await wait(['pending_approval', 'dry_run_failed']);
    expect(pending).toMatchObject({ status: 'pending_approval', requestedBy: `run:${runId}`, requestedByUser: null, sourceRunId: runId });
    expect(pending.dryRun?.diff).toEqual([{ path: 'spec.replicas', before: 0, after: 1 }]);

    await approveAction(h.db, bob, pending.id, { reason: 'postgres has no endpoints; auth-service needs it' });
    const done = await wait(['verified', 'verification_failed', 'failed']);
    expect(done.status).toBe('verified');
    expect(api.object('Deployment', 'production', 'postgres')!.status.readyReplicas).toBe(1);
    // The Reviewer's evidence: postgres's pod and endpoints ready; auth-service (the diagnosed workload) reported.
    expect(done).toMatchObject({ rootCauseType: expect.any(String), subject: { kind: 'Deployment', name: 'auth-service', namespace: 'production' } });
    const checks = (done.verification as { checks: Array<{ check: string; ok: boolean; detail: string }> }).checks;
    expect(checks).toEqual([
      { check: 'pods_ready', ok: true, detail: '1/1 pod(s) ready' },
      { check: 'endpoints_ready', ok: true, detail: 'service postgres: 1 ready endpoint(s)' },
      { check: 'subject', ok: true, detail: expect.stringMatching(/^deployment\/auth-service \(the diagnosed workload\): 0\/3 pod\(s\) ready/) },
    ]);
    // Only the executor's identity wrote, and only after the approval.
    expect(api.writes.map((w) => [w.method, w.path, w.dryRun])).toEqual([
      ['PATCH', '/apis/apps/v1/namespaces/production/deployments/postgres', true],
      ['PATCH', '/apis/apps/v1/namespaces/production/deployments/postgres', false],
    ]);
  });
});
