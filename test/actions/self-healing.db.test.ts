import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listAudit } from '../../src/access/audit.js';
import { permissionsForRoles } from '../../src/access/permissions.js';
import type { Principal } from '../../src/access/principal.js';
import { proposeAction, showAction } from '../../src/agents/actions/approvals.js';
import type { ActionTarget } from '../../src/agents/actions/catalogue.js';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import { listPolicyRules } from '../../src/agents/actions/self-healing.js';
import type { ActionRequest, ActionStatus } from '../../src/agents/actions/store.js';
import type { Bus } from '../../src/bus/bus.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { getSnapshot, updateArbiter } from '../../src/control-plane/control-registry/index.js';
import { listEvents } from '../../src/control-plane/ledger.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { createTestBus } from '../helpers/bus.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';

/**
 * Self-healing: an operator's arbiter policy approves named low-risk actions for named
 * namespaces and root-cause types, at most N per hour per workload, never in a freeze window;
 * off by default; recorded as approved-by-policy in the ledger and the audit trail. Everything
 * else waits for a person.
 */
let t: TestDatabase;
let bus: Bus;
let api: FakeApiServer;
let worker: RunningWorker;
let dir: string;
const admin: Principal = { type: 'user', id: 'ada', userId: 'ada', email: 'ada@example.com', roles: ['admin'], permissions: permissionsForRoles(['admin']), namespaces: null, keyType: null };
const meta = { actor: 'user:ada', reason: 'restart OOM-killed workers in production by themselves' };
const payment: ActionTarget = { kind: 'Deployment', name: 'payment-worker', namespace: 'production' };
const gateway: ActionTarget = { kind: 'Deployment', name: 'api-gateway', namespace: 'production' };

async function waitFor(id: string, statuses: ActionStatus[]): Promise<ActionRequest> {
  for (let i = 0; i < 400; i++) {
    const row = await showAction(t.db, admin, id);
    if (statuses.includes(row.status)) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`action ${id} never reached ${statuses.join('|')}`);
}

/** An action a diagnosis run proposed (the only kind a policy may approve). */
async function fromRun(action: string, target: ActionTarget, rootCauseType: string, params: Record<string, unknown> = {}): Promise<ActionRequest> {
  const { runId } = await submitCommand(t.db, { kind: 'ask', input: { prompt: 'why' }, namespace: 'production' });
  const a = await proposeAction(t.db, { runId }, { action, target, params, reason: `${rootCauseType}: test`, sourceRunId: runId, rootCauseType });
  // The dry-run's run ends after the policy decided (approved, or left for a person).
  await vi.waitFor(async () => {
    const run = await t.db.query<{ status: string }>('SELECT status FROM runs WHERE id = (SELECT proposal_run_id FROM action_requests WHERE id = $1)', [a.id]);
    expect(run.rows[0]?.status).toBe('succeeded');
  }, { timeout: 15_000, interval: 25 });
  return showAction(t.db, admin, a.id);
}

beforeAll(async () => {
  t = await createTestDatabase();
  bus = await createTestBus();
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor' } });
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

describe('self-healing policies', () => {
  it('is off by default: no rule, and an OOM restart waits for a person', async () => {
    expect(listPolicyRules(await getSnapshot(t.db))).toEqual([]);
    const a = await fromRun('rollout_restart', payment, 'oom_killed');
    expect(a).toMatchObject({ status: 'pending_approval', approvedByPolicy: null, decidedBy: null });
  });

  it('turning it on needs the explicit acknowledgment that writes run without a person', async () => {
    const rule = { actions: ['rollout_restart', 'scale'], namespaces: ['production'], rootCauses: ['oom_killed'], maxPerHourPerWorkload: 2 };
    await expect(updateArbiter(t.db, { name: 'self-healing', autoApprove: [rule] }, meta)).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('allowUnapprovedWrites') });
    await updateArbiter(t.db, { name: 'self-healing', autoApprove: [rule], allowUnapprovedWrites: true }, meta);
    expect(listPolicyRules(await getSnapshot(t.db))).toEqual([
      { id: 'self-healing#1', policy: 'self-healing', actions: ['rollout_restart', 'scale'], namespaces: ['production'], rootCauses: ['oom_killed'], maxPerHourPerWorkload: 2, active: true, notes: ['scale is medium risk: never approved by a policy'] },
    ]);
  });

  it('approves a matching low-risk action, at most 2 per hour for the workload, recorded as approved by the policy', async () => {
    const first = await fromRun('rollout_restart', payment, 'oom_killed');
    expect(first).toMatchObject({ decidedBy: 'policy:self-healing#1', approvedByPolicy: 'self-healing#1', workload: 'production/Deployment/payment-worker' });
    expect(first.decisionReason).toMatch(/1\/2 this hour/);
    expect((await waitFor(first.id, ['verified', 'verification_failed', 'failed'])).status).toBe('verified');

    const second = await fromRun('rollout_restart', payment, 'oom_killed');
    expect(second.approvedByPolicy).toBe('self-healing#1');
    await waitFor(second.id, ['verified', 'verification_failed', 'failed']);

    const third = await fromRun('rollout_restart', payment, 'oom_killed');
    expect(third).toMatchObject({ status: 'pending_approval', approvedByPolicy: null });
    await vi.waitFor(async () => {
      const skipped = (await listEvents(t.db, third.proposalRunId!)).find((e) => e.type === 'action.auto_approval_skipped');
      expect(skipped?.data).toMatchObject({ reason: expect.stringContaining('production/Deployment/payment-worker had 2 policy approval(s) in the last hour (at most 2)'), waitsFor: 'a person' });
    });

    // Ledger and audit say who approved: the policy, not a person or a model.
    const approved = (await listEvents(t.db, first.proposalRunId!)).find((e) => e.type === 'action.approved');
    expect(approved).toMatchObject({ actor: 'policy:self-healing#1', data: { approvedBy: 'policy', policy: 'self-healing#1' } });
    const audit = (await listAudit(t.db, {})).events.filter((e) => e.target === `action:${first.id}` && e.action === 'action.approve');
    expect(audit).toEqual([expect.objectContaining({ actorType: 'system', actorId: 'policy:self-healing#1', result: 'ok', details: expect.objectContaining({ approvedBy: 'policy', rootCauseType: 'oom_killed' }) })]);
  });

  it('approves nothing the rule does not name: another root cause, a medium-risk action, a person’s proposal', async () => {
    expect((await fromRun('rollout_restart', gateway, 'crash_loop')).status).toBe('pending_approval');
    expect((await fromRun('scale', gateway, 'oom_killed', { replicas: 3 })).status).toBe('pending_approval');
    const byPerson = await proposeAction(t.db, { principal: admin }, { action: 'rollout_restart', target: gateway, reason: 'oom' });
    expect((await waitFor(byPerson.id, ['pending_approval', 'approved'])).status).toBe('pending_approval');
  });

  it('never during a freeze window: the rule shows frozen, the action waits for a person', async () => {
    const now = Date.now();
    const window = { start: new Date(now - 3_600_000).toISOString(), end: new Date(now + 3_600_000).toISOString(), reason: 'release freeze' };
    await expect(updateArbiter(t.db, { name: 'self-healing', freezeWindows: [{ ...window, end: window.start, start: window.end }], allowUnapprovedWrites: true }, meta)).rejects.toThrow(/ends .* before it starts/);
    await updateArbiter(t.db, { name: 'self-healing', freezeWindows: [window], allowUnapprovedWrites: true }, meta);
    expect(listPolicyRules(await getSnapshot(t.db))[0]).toMatchObject({ active: false, notes: [`frozen until ${window.end} (release freeze)`, 'scale is medium risk: never approved by a policy'] });
    const a = await fromRun('rollout_restart', gateway, 'oom_killed');
    expect(a).toMatchObject({ status: 'pending_approval', approvedByPolicy: null });
    await vi.waitFor(async () => {
      const skipped = (await listEvents(t.db, a.proposalRunId!)).find((e) => e.type === 'action.auto_approval_skipped');
      expect(skipped?.data).toMatchObject({ reason: `self-healing#1: freeze window until ${window.end} (release freeze)` });
    });
  });
});
