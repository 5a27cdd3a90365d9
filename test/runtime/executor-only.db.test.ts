import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTOR_TASK_TYPES } from '../../src/agents/actions/approvals.js';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { loadConfig } from '../../src/config.js';
import { listWorkers } from '../../src/control-plane/workers.js';
import { startAgentWorker } from '../../src/runtime/agent-worker.js';
import { orderedShutdown } from '../../src/runtime/lifecycle.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';

/**
 * `syntra worker --executor-only` (the Kubernetes install's executor Deployment): it serves the
 * executor's task types and nothing else, so the writing identity never runs an investigation.
 */
let t: TestDatabase;
let api: FakeApiServer;
let kubeconfig: string;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor-token' } });
  kubeconfig = await writeKubeconfig(api.url, { token: 'executor-token' });
});
afterAll(async () => {
  await api?.close();
  await rm(dirname(kubeconfig), { recursive: true, force: true });
  await t?.drop();
});

describe('executor-only worker', () => {
  it('announces only action_dry_run and action_execute', async () => {
    const config = loadConfig({ SYNTRA_EXECUTOR_KUBECONFIG: kubeconfig, SYNTRA_LOG_LEVEL: 'silent' });
    const bus = createInProcessBus();
    const stop = orderedShutdown(await startAgentWorker(config, { db: t.db, bus }, { executorOnly: true }));
    try {
      const live = (await listWorkers(t.db)).filter((w) => w.status === 'live');
      expect(live).toHaveLength(1);
      expect(live[0]!.taskTypes.sort()).toEqual([EXECUTOR_TASK_TYPES.dryRun, EXECUTOR_TASK_TYPES.execute].sort());
    } finally {
      await stop();
      await bus.close();
    }
  });

  it('refuses to start without the executor kubeconfig, saying which variable to set', async () => {
    const config = loadConfig({ SYNTRA_LOG_LEVEL: 'silent' });
    await expect(startAgentWorker(config, { db: t.db, bus: createInProcessBus() }, { executorOnly: true })).rejects.toThrow(/--executor-only needs SYNTRA_EXECUTOR_KUBECONFIG/);
  });
});
