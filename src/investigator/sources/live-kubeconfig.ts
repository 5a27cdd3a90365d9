import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import { candidatePaths, IN_CLUSTER_TOKEN, type KubeConfigLocation } from './kubeconfig-paths.js';

/**
 * Finds the cluster credentials the way kubectl does, but says where it looked: an explicit
 * file, then $KUBECONFIG (every path, merged), then ~/.kube/config, then the in-cluster service
 * account. client-node's loadFromDefault silently falls back to http://localhost:8080; here a
 * missing kubeconfig is a clear `no_kubeconfig` error listing the paths tried.
 */
export { candidatePaths, IN_CLUSTER_TOKEN, type KubeConfigLocation } from './kubeconfig-paths.js';

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** e.g. "kubeconfig /home/me/.kube/config (context prod)" or "in-cluster service account". */
  origin: string;
  server: string;
  context: string;
}

export function loadKubeConfig(loc: KubeConfigLocation = {}): LoadedKubeConfig {
  const env = loc.env ?? process.env;
  const tried = candidatePaths(loc);
  const existing = tried.filter((p) => existsSync(p));
  const kc = new KubeConfig();
  let origin: string;
  try {
    if (loc.inCluster) {
      if (!env.KUBERNETES_SERVICE_HOST || !existsSync(IN_CLUSTER_TOKEN)) {
        throw new SyntraError('no_kubeconfig', `the in-cluster service account is not available here (no KUBERNETES_SERVICE_HOST or ${IN_CLUSTER_TOKEN})`, { details: { tried: [IN_CLUSTER_TOKEN] } });
      }
      kc.loadFromCluster();
      origin = 'in-cluster service account';
    } else if (existing.length > 0) {
      kc.loadFromFile(existing[0]!);
      for (const extra of existing.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(extra);
        kc.mergeConfig(more);
      }
      origin = `kubeconfig ${existing.join(delimiter)}`;
    } else if (!loc.kubeconfig && env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
      kc.loadFromCluster();
      origin = 'in-cluster service account';
    } else {
      const inCluster = loc.kubeconfig ? '' : `, and not running in a cluster (no KUBERNETES_SERVICE_HOST or ${IN_CLUSTER_TOKEN})`;
      throw new SyntraError('no_kubeconfig', `no kubeconfig found: tried ${tried.join(', ')}${inCluster}`, { details: { tried } });
    }
  } catch (e) {
    if (e instanceof SyntraError) throw e;
    throw new SyntraError('no_kubeconfig', `cannot load kubeconfig (${tried.join(', ')}): ${errorMessage(e)}`, { cause: e, details: { tried } });
  }
  if (loc.context !== undefined) {
    if (!kc.getContextObject(loc.context)) {
      throw new SyntraError('no_kubeconfig', `kubeconfig ${existing.join(', ')} has no context "${loc.context}" (it has: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`, { details: { tried } });
    }
    kc.setCurrentContext(loc.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new SyntraError('no_kubeconfig', `kubeconfig ${existing.join(', ')} has no current context with a cluster`, { details: { tried } });
  }
  const context = kc.getCurrentContext();
  return { kc, origin: `${origin} (context ${context})`, server: cluster.server, context };
}
