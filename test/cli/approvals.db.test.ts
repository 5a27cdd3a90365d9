import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsForRoles } from '../../src/access/permissions.js';
import type { Principal } from '../../src/access/principal.js';
import { proposeAction, showAction } from '../../src/agents/actions/approvals.js';
import { updateAction, type ActionRequest } from '../../src/agents/actions/store.js';
import { announceWorker, markWorkerStopped } from '../../src/control-plane/workers.js';
import { seedUser } from '../access/access-app.js';
import { startCliServer, type CliServer } from './cli-server.js';
import { runCli, type CliEnv } from './run-cli.js';

/**
 * `syntra approvals` as a user types it, against a real API: list, show (with the dry-run
 * diff), approve and reject with a reason, and destructive actions refused by the CLI itself.
 * The executor is announced but not running here: the dry-run is recorded as it would have
 * stored it (the executor itself is tested in test/actions).
 */
let server: CliServer;
let admin: CliEnv;
let proposer: Principal;

async function dryRun(a: ActionRequest, diff: Array<{ path: string; before: unknown; after: unknown }>, destructive: string | null = null): Promise<void> {
  await updateAction(server.db, a.id, ['proposed'], { status: 'pending_approval', dry_run: { diff, resourceVersion: '4812105', at: new Date().toISOString() }, resource_version: '4812105', destructive });
}

beforeAll(async () => {
  server = await startCliServer({ taskTypes: [] });
  await announceWorker(server.db, { workerId: 'absent-executor', transport: 'database', taskTypes: ['action_dry_run', 'action_execute'] });
  admin = { configDir: server.configDir, cwd: server.workDir };
  const { user } = await seedUser(server.db, 'olivia@example.com', ['operator']);
  proposer = { type: 'user', id: user.id, userId: user.id, email: user.email, roles: ['operator'], permissions: permissionsForRoles(['operator']), namespaces: null, keyType: null };
});
afterAll(async () => server?.close());

describe('syntra approvals', () => {
  let a: ActionRequest;
  it('lists and shows the dry-run diff (also as `syntra actions`)', async () => {
    a = await proposeAction(server.db, { principal: proposer }, { action: 'scale', target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, params: { replicas: 1 }, reason: 'auth-service cannot reach postgres' });
    await dryRun(a, [{ path: 'spec.replicas', before: 0, after: 1 }]);

    const list = await runCli(['actions', 'list', '--status', 'pending_approval'], admin);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(a.id);
    expect(list.stdout).toMatch(/scale replicas=1/);

    const show = await runCli(['approvals', 'show', a.id], admin);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/spec\.replicas: 0 → 1/);
    expect(show.stdout).toMatch(/deployment\/postgres -n production/);
  });

  it('approves with a reason, and only with one', async () => {
    const noReason = await runCli(['approvals', 'approve', a.id], admin);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);

    const ok = await runCli(['approvals', 'approve', a.id, '--reason', 'restore the database'], admin);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Approved scale on deployment\/postgres/);
    const stored = await showAction(server.db, proposer, a.id);
    expect(stored).toMatchObject({ status: 'approved', decisionReason: 'restore the database' });
    expect(stored.executionRunId).not.toBeNull();
  });

  it('refuses a destructive action, whatever the caller may do, and can reject it', async () => {
    const a = await proposeAction(server.db, { principal: proposer }, { action: 'scale', target: { kind: 'Deployment', name: 'auth-service', namespace: 'production' }, params: { replicas: 0 }, reason: 'stop the crash loop' });
    await dryRun(a, [{ path: 'spec.replicas', before: 3, after: 0 }], 'scales to zero (now 3)');
    const refused = await runCli(['approvals', 'approve', a.id, '--reason', 'yes'], admin);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/destructive \(scales to zero \(now 3\)\): the CLI never approves destructive actions/);
    expect((await showAction(server.db, proposer, a.id)).status).toBe('pending_approval');
    const rejected = await runCli(['approvals', 'reject', a.id, '--reason', 'too risky'], admin);
    expect(rejected.code).toBe(0);
    expect((await showAction(server.db, proposer, a.id)).status).toBe('rejected');
  });

  it('an unknown id is "not found" (exit 4)', async () => {
    const r = await runCli(['approvals', 'show', '0190c3e2-7d4a-7b1c-9e2f-1a2b3c4d5e6f'], admin);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('propose: a person proposes set_image with the tag they choose; it waits for the executor and says so', async () => {
    // The executor has been here (so there is a write path) but is gone now.
    await markWorkerStopped(server.db, { workerId: 'absent-executor' });
    const r = await runCli(['actions', 'propose', 'set_image', 'deployment/frontend', '-n', 'production', '--set', 'container=frontend', '--set', 'image=registry.example.com/frontend:v2.3.0', '--reason', 'v2.3.1-typo does not exist'], admin);
    expect(r.code, r.stderr).toBe(0);
    const id = /action ([0-9a-f-]{36})/.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    const stored = await showAction(server.db, proposer, id!);
    expect(stored).toMatchObject({ action: 'set_image', status: 'proposed', params: { container: 'frontend', image: 'registry.example.com/frontend:v2.3.0' }, target: { kind: 'Deployment', name: 'frontend', namespace: 'production' } });
    // The announced executor is not running: the proposal says nobody serves it, and until when it waits.
    expect(r.stdout).toContain(`no executor is serving namespace production; it will wait until ${stored.expiresAt.toISOString()}`);
    const show = await runCli(['actions', 'show', id!], admin);
    expect(show.stdout).toMatch(/Waiting:\s+no executor is serving/);

    const bad = await runCli(['actions', 'propose', 'set_image', 'deployment/frontend', '--set', 'container=frontend', '--reason', 'x'], admin);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/needs its namespace: add -n NAMESPACE/);
  });

  it('policies: self-healing is off by default and says so', async () => {
    const r = await runCli(['actions', 'policies'], admin);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Self-healing is off: no policy approves anything by itself; every action waits for a person/);
    const json = await runCli(['actions', 'policies', '--json'], admin);
    expect(JSON.parse(json.stdout)).toMatchObject({ selfHealing: false, rules: [] });
  });
});
