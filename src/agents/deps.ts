import type { ArtifactStore } from '../artifacts/store.js';
import { arbiterFor, getSnapshot, type ControlSnapshot } from '../control-plane/control-registry/index.js';
import type { ArbiterPolicy } from '../control-plane/control-registry/schemas.js';
import type { Database } from '../db/database.js';
import type { Embedder } from '../incidents/memory/embedder.js';
import type { ProviderRegistry } from '../llm/factory.js';
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
