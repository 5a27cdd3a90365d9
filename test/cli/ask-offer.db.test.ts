import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import { actionsOfRun, type ActionRequest } from '../../src/agents/actions/store.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { SYNTRA_ARGV } from '../helpers/syntra-bin.js';
import { createTestBus } from '../helpers/bus.js';
import type { Bus } from '../../src/bus/bus.js';
import { startCliServer, type CliServer } from './cli-server.js';
import { killAll, runCli, startCli, type CliEnv } from './run-cli.js';

/**
 * `syntra ask` offers the proposed actions at the end of its answer — only on a terminal. Piped
 * (no TTY) it never asks, even with `y` waiting on stdin; on a pseudo-terminal (util-linux
 * `script`) it asks "approve 1? [y/N]" and a `y` approves the action for the signed-in admin.
 * A real executor dry-runs the proposal against the writable loopback API server.
 */
let server: CliServer;
let user: CliEnv;
let api: FakeApiServer;
let executor: RunningWorker;
let dir: string;
let bus: Bus;
const QUESTION = 'Investigate why the auth-service pod is crashing in production';

const runIdOf = (text: string) => /run ([0-9a-f-]{36}) — Ctrl-C/.exec(text)?.[1];
async function proposedOf(runId: string): Promise<ActionRequest> {
  let found: ActionRequest | undefined;
  await vi.waitFor(async () => {
    found = (await actionsOfRun(server.db, runId))[0];
    expect(found?.status).toBe('pending_approval');
  }, { timeout: 20_000, interval: 50 });
  return found!;
}

beforeAll(async () => {
  server = await startCliServer({ agents: true });
  user = { configDir: server.configDir, cwd: server.workDir };
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor' } });
  const kubeconfig = await writeKubeconfig(api.url, { token: 'executor' });
  dir = dirname(kubeconfig);
  bus = await createTestBus();
  executor = startWorker({ db: server.db, bus, registry: registerExecutor(createRegistry(), { db: server.db, writer: createKubeWriter(kubeconfig), verify: { attempts: 3, intervalMs: 20 } }), concurrency: 1, pollIntervalMs: 50, leaseSeconds: 30, shutdownGraceMs: 1000 });
  await executor.registered;
});
afterAll(async () => {
  killAll();
  await executor?.stop();
  await api?.close();
  await bus?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('syntra ask offers the proposed actions', () => {
  it('piped (not a terminal): lists them, never asks, approves nothing', async () => {
    const r = await runCli(['ask', QUESTION], { ...user, input: 'y\n', timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Proposed actions\n\s+• scale deployment\/postgres -n production replicas=1\s+action [0-9a-f-]{36}/);
    expect(r.stdout + r.stderr).not.toMatch(/approve 1\?/);
    const a = await proposedOf(runIdOf(r.stderr)!);
    await new Promise((res) => setTimeout(res, 300));
    expect((await actionsOfRun(server.db, a.sourceRunId!))[0]).toMatchObject({ status: 'pending_approval', decidedBy: null });
  });

  it('on a terminal: "approve 1? [y/N]", and y approves it as the caller', async () => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, ...SYNTRA_ARGV, 'ask', QUESTION].map(quote).join(' ');
    const cli = startCli([], { ...user, command: ['script', '-qfec', command, '/dev/null'] });
    await cli.waitFor(/approve 1\? \[y\/N\]/, 90_000);
    expect(cli.out()).toMatch(/1\. scale deployment\/postgres -n production replicas=1 \(dry-run: spec\.replicas: 0 → 1\)/);
    cli.write('y\r');
    await cli.waitFor(/approved scale/, 20_000);
    expect(await cli.exited).toBe(0);
    const a = (await actionsOfRun(server.db, runIdOf(cli.out())!))[0]!;
    expect(a).toMatchObject({ decidedBy: expect.stringMatching(/^key:/), decisionReason: expect.stringMatching(/^approved in syntra ask \(run [0-9a-f-]{36}\)$/) });
    expect(['approved', 'executing', 'verified']).toContain(a.status);
  });
});
