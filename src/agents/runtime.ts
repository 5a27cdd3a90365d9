import { openArtifactStore } from '../artifacts/open-store.js';
import type { Bus } from '../bus/bus.js';
import type { SyntraConfig } from '../config.js';
import { ControlSnapshotCache } from '../control-plane/control-registry/index.js';
import type { Database } from '../db/database.js';
import { createProviderRegistry } from '../llm/factory.js';
import type { WorkerLog } from '../worker/registry.js';
import { embedderFromEnv } from '../incidents/memory/openai-embedder.js';
import { retentionDaysFromEnv } from '../incidents/memory/retention.js';
import { startMemoryUpkeep } from '../incidents/memory/upkeep.js';
import type { AgentDeps } from './deps.js';
import { createClusterEvidence } from './cluster-evidence.js';
import { createEvidenceProvider } from './evidence-provider.js';

/**
 * What a worker process opens for its agents: the artifact store, a live control snapshot cache
 * (reloads on `syntra.ctrl.changed` and on a poll backstop), the model providers from the
 * environment (none → rules-only) and the configured evidence source.
 */
export interface AgentRuntime {
  deps: AgentDeps;
  /** The live control snapshot the handlers read (deps.controls), to follow its reloads. */
  controls: ControlSnapshotCache;
  stop(): Promise<void>;
}

export async function startAgents(
  config: Pick<SyntraConfig, 'artifacts' | 'evidence' | 'kubeconfig'>,
  resources: { db: Database; bus: Bus },
  options: { env?: NodeJS.ProcessEnv; log?: WorkerLog; controlPollMs?: number } = {},
): Promise<AgentRuntime> {
  const controls = new ControlSnapshotCache({
    ...(options.controlPollMs ? { pollIntervalMs: options.controlPollMs } : {}),
    onError: (e) => options.log?.warn('control snapshot reload failed', { error: e instanceof Error ? e.message : String(e) }),
  });
  await controls.start({ db: resources.db, bus: resources.bus });
  const providers = createProviderRegistry(options.env ?? process.env);
  const evidence = createEvidenceProvider(config.evidence, { kubeconfig: config.kubeconfig, ...(options.env ? { env: options.env } : {}) });
  options.log?.info('agents ready', { evidence: evidence.description, models: providers.describe(), controlVersion: controls.current().version });
  const env = options.env ?? process.env;
  const embedder = embedderFromEnv(env, resources.db);
  // Stale vectors re-embedded and old incidents summarised in the background (SYNTRA_MEMORY_RETENTION_DAYS).
  const upkeep = startMemoryUpkeep(resources.db, embedder, {
    retentionDays: retentionDaysFromEnv(env),
    onError: (e) => options.log?.warn('incident memory upkeep failed; retrying at the next round', { error: e instanceof Error ? e.message : String(e) }),
    firstRoundMs: 5_000,
  });
  return {
    controls,
    deps: {
      db: resources.db,
      store: openArtifactStore(config.artifacts),
      controls,
      providers,
      evidence,
      clusters: createClusterEvidence(resources.db, { kubeconfig: config.kubeconfig, ...(options.env ? { env: options.env } : {}) }),
      embedder,
    },
    stop: async () => {
      await upkeep.stop();
      await controls.stop();
    },
  };
}
