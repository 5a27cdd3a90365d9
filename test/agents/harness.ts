import { mkdtempSync, rmSync } from 'node:fs';
import { embedderFromEnv } from '../../src/incidents/memory/openai-embedder.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEvidenceProvider } from '../../src/agents/evidence-provider.js';
import { createClusterEvidence } from '../../src/agents/cluster-evidence.js';
import type { AgentDeps } from '../../src/agents/deps.js';
import { registerAgents } from '../../src/agents/register.js';
import type { AgentTaskType } from '../../src/agents/steps.js';
import type { AskRunOutput } from '../../src/agents/run-output.js';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import type { ArtifactStore } from '../../src/artifacts/store.js';
import type { Bus } from '../../src/bus/bus.js';
import type { EvidenceSetting } from '../../src/config.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { ControlSnapshotCache } from '../../src/control-plane/control-registry/index.js';
import { startRelay, type Relay } from '../../src/control-plane/relay.js';
import { getRun } from '../../src/control-plane/runs.js';
import { TERMINAL_RUN_STATUSES, type RunDetail } from '../../src/control-plane/types.js';
import type { Database } from '../../src/db/database.js';
import { createProviderRegistry } from '../../src/llm/factory.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { createTestBus } from '../helpers/bus.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The agents on the real control plane of the backend under test (PGlite + in-process bus, or
 * PostgreSQL + NATS): a migrated database, the bus, the outbox relay, a local artifact store in
 * a temporary directory, and workers whose agents read the configured evidence and providers.
 */
export const DEMO_QUESTION = 'Investigate why the auth-service pod is crashing in production';

export interface AgentHarness {
  db: Database;
  bus: Bus;
  artifactsDir: string;
  /** Starts a worker with its own control cache, providers and evidence (all agents unless `only`). */
  startWorker(o?: WorkerSetup): Promise<AgentWorker>;
  ask(input: Record<string, unknown>): Promise<string>;
  waitForRun(runId: string, timeoutMs?: number): Promise<RunDetail>;
  close(): Promise<void>;
}

export interface WorkerSetup {
  evidence?: EvidenceSetting;
  env?: Record<string, string>;
  only?: readonly AgentTaskType[];
  leaseSeconds?: number;
  controlPollMs?: number;
  /** The workers' kubeconfig: registered clusters are contexts of it (one client per cluster). */
  kubeconfig?: string;
}

export interface AgentWorker {
  worker: RunningWorker;
  deps: AgentDeps;
  controls: ControlSnapshotCache;
  stop(): Promise<void>;
}

/** A worker with the agents, on given resources (also used next to the API harness). */
export async function startAgentWorker(r: { db: Database; bus: Bus; store: ArtifactStore }, o: WorkerSetup = {}): Promise<AgentWorker> {
  const controls = new ControlSnapshotCache({ pollIntervalMs: o.controlPollMs ?? 200 });
  await controls.start({ db: r.db, bus: r.bus });
  const deps: AgentDeps = {
    db: r.db,
    store: r.store,
    controls,
    providers: createProviderRegistry(o.env ?? {}),
    evidence: createEvidenceProvider(o.evidence ?? { kind: 'demo' }, { env: {} }),
    embedder: embedderFromEnv(o.env ?? {}, r.db),
    ...(o.kubeconfig ? { clusters: createClusterEvidence(r.db, { kubeconfig: o.kubeconfig, env: {} }) } : {}),
  };
  const registry = registerAgents(createRegistry(), deps, o.only);
  const worker = startWorker({ db: r.db, bus: r.bus, registry, concurrency: 4, pollIntervalMs: 100, leaseSeconds: o.leaseSeconds ?? 30, shutdownGraceMs: 2000, backoff: { baseMs: 50, capMs: 200 } });
  await worker.registered;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await worker.stop();
      await controls.stop();
    })());
  return { worker, deps, controls, stop };
}

/** Resolves once the worker's control cache has reached `version` (bounded). */
export async function cacheReaches(controls: ControlSnapshotCache, version: number, boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (controls.current().version < version) {
    if (Date.now() > deadline) throw new Error(`control cache stayed at ${controls.current().version}, expected ${version}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startAgentHarness(): Promise<AgentHarness> {
  const t: TestDatabase = await createTestDatabase();
  const bus = await createTestBus();
  const relay: Relay = startRelay({ db: t.db, bus, intervalMs: 100 });
  const artifactsDir = mkdtempSync(path.join(tmpdir(), 'syntra-agents-'));
  const store = localArtifactStore(artifactsDir);
  const stops: Array<() => Promise<void>> = [];

  return {
    db: t.db,
    bus,
    artifactsDir,
    async startWorker(o = {}) {
      const started = await startAgentWorker({ db: t.db, bus, store }, o);
      stops.push(started.stop);
      return started;
    },
    async ask(input) {
      const namespace = typeof input.namespace === 'string' ? { namespace: input.namespace } : {};
      return (await submitCommand(t.db, { kind: 'ask', input, ...namespace })).runId;
    },
    async waitForRun(runId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await getRun(t.db, runId);
        if (run && TERMINAL_RUN_STATUSES.has(run.run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.run.status} after ${timeoutMs} ms; tasks: ${run?.tasks.map((x) => `${x.taskType}:${x.status}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
      await relay.stop();
      await bus.close().catch(() => {});
      await t.drop().catch(() => {});
      rmSync(artifactsDir, { recursive: true, force: true });
    },
  };
}

export const outputOf = (run: RunDetail): AskRunOutput => run.run.output as AskRunOutput;
export const eventTypes = (run: RunDetail): string[] => run.events.map((e) => e.type);
export const eventsOf = (run: RunDetail, type: string): Array<Record<string, unknown>> =>
  run.events.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);
