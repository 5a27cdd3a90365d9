import { getCluster } from '../clusters/index.js';
import type { Database } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { createEvidenceProvider, type EvidenceProvider } from './evidence-provider.js';

/**
 * One evidence client per registered cluster, made on first use from the registry row (a context
 * of the workers' kubeconfig, or in-cluster) and kept for the worker's life; a run reads the
 * cluster it carries (`runs.cluster`), the default provider when it carries none.
 */
export interface ClusterEvidence {
  /** The provider for a run's cluster; null for the default cluster. */
  forCluster(name: string | null): Promise<EvidenceProvider | null>;
}

export function createClusterEvidence(db: Database, o: { kubeconfig?: string | undefined; env?: NodeJS.ProcessEnv } = {}): ClusterEvidence {
  const clients = new Map<string, EvidenceProvider>();
  return {
    async forCluster(name) {
      if (name === null) return null;
      const known = clients.get(name);
      if (known) return known;
      const cluster = await getCluster(db, name);
      if (!cluster) throw new SyntraError('config_invalid', `cluster ${name} is not registered (any more): register it again with syntra clusters add`, { retryable: false });
      const provider = createEvidenceProvider({ kind: 'live' }, { ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), ...(o.env ? { env: o.env } : {}), cluster });
      clients.set(name, provider);
      return provider;
    },
  };
}
