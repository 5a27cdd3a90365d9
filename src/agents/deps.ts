import type { ArtifactStore } from '../artifacts/store.js';
import { arbiterFor, getSnapshot, type ControlSnapshot } from '../control-plane/control-registry/index.js';
import type { ArbiterPolicy } from '../control-plane/control-registry/schemas.js';
import type { Database } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import type { Embedder } from '../incidents/memory/embedder.js';
import type { ProviderRegistry } from '../llm/factory.js';
import type { ClusterEvidence } from './cluster-evidence.js';
import type { EvidenceProvider } from './evidence-provider.js';

/**
 * What every agent handler needs from its process: the database (ledger, incidents, artifact
 * metadata), the artifact store, the live control snapshot, the model providers and the
 * cluster. Built once per worker process (see runtime.ts); tests build their own.
 */
export interface AgentDeps {
  db: Database;
  store: ArtifactStore;
  /** The worker's live copy of the control registry (a ControlSnapshotCache). */
  controls: { current(): ControlSnapshot };
  providers: ProviderRegistry;
  evidence: EvidenceProvider;
  /** The registered clusters' clients; absent: this worker reads the default cluster only. */
  clusters?: ClusterEvidence;
  /** The incident memory's embedder (SYNTRA_EMBEDDINGS_URL or the offline TF-IDF n-grams); absent = offline. */
  embedder?: Embedder;
}

/**
 * A run uses the control snapshot version its first step saw, start to finish, so a change
 * made halfway never mixes two configurations in one answer. The worker's cache serves it when
 * it is still current; an older version is one primary-key read.
 */
export async function pinnedSnapshot(deps: AgentDeps, version: number): Promise<ControlSnapshot> {
  const current = deps.controls.current();
  if (current.version === version) return current;
  return getSnapshot(deps.db, { version });
}

export function arbiterOf(snapshot: ControlSnapshot): ArbiterPolicy {
  return arbiterFor(snapshot);
}

/** The cluster a run reads: its registered cluster's client, or the default one. */
export async function evidenceOf(deps: AgentDeps, runId: string): Promise<EvidenceProvider> {
  const res = await deps.db.query<{ cluster: string | null }>(`SELECT cluster FROM runs WHERE id = $1`, [runId]);
  const cluster = res.rows[0]?.cluster ?? null;
  if (cluster === null) return deps.evidence;
  if (!deps.clusters) throw new SyntraError('config_invalid', `run ${runId} is about cluster ${cluster}, and this worker reads only its default cluster`, { retryable: false });
  return (await deps.clusters.forCluster(cluster)) ?? deps.evidence;
}
