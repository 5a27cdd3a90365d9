import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Where cluster credentials are looked for (kubectl's order), apart from live-kubeconfig.ts so
 * deciding whether a cluster is configured does not load @kubernetes/client-node.
 */
export const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConfigLocation {
  /** An explicit kubeconfig file (`--kubeconfig`); nothing else is tried when given. */
  kubeconfig?: string;
  /** A context of the kubeconfig to use instead of its current one (a registered cluster). */
  context?: string;
  /** The pod's service account only (a cluster registered as in-cluster); no kubeconfig is read. */
  inCluster?: boolean;
  /** For tests: the environment and home directory to look in. */
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export function candidatePaths(loc: KubeConfigLocation): string[] {
  if (loc.kubeconfig) return [loc.kubeconfig];
  const env = loc.env ?? process.env;
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  return fromEnv.length > 0 ? fromEnv : [join(loc.home ?? homedir(), '.kube', 'config')];
}
