import { existsSync } from 'node:fs';
import type { EvidenceSetting } from '../config.js';
import { SyntraError } from '../domain/errors.js';
import { createDumpSource, demoSource, type EvidenceSource } from '../investigator/sources/index.js';
import { candidatePaths, IN_CLUSTER_TOKEN } from '../investigator/sources/kubeconfig-paths.js';
import type { LiveSourceOptions } from '../investigator/sources/live-source.js';
import { clusterIndexFromSnapshot, type ClusterIndex } from '../investigator/planner/cluster-index.js';

/**
 * The cluster the agents investigate, chosen once from configuration (SYNTRA_EVIDENCE) — never
 * from a request: a path in an API body would be a file-read hole. Two views of one source:
 * `source` masks secrets (everything the agents store, show or send to a model); `index` is the
 * name index the planner resolves "auth-service" and "prod" against (names only, nothing masked
 * needed), cached briefly because every question starts with it.
 */
export interface EvidenceProvider {
  readonly kind: 'demo' | 'live' | 'dump';
  readonly description: string;
  readonly source: EvidenceSource;
  /** The planner's name index; re-read after `indexTtlMs`. */
  index(signal?: AbortSignal): Promise<ClusterIndex>;
}

export interface EvidenceProviderOptions {
  kubeconfig?: string | undefined;
  /** A registered cluster: a context of the kubeconfig, or the in-cluster service account (live only). */
  cluster?: { name: string; context: string | null; inCluster: boolean };
  /** How long a cluster name index is reused (default 10 s; 0 = every call). */
  indexTtlMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Files do not change under a running investigation: a dump or the demo cluster, scoped and
 * masked once, is reused for `ttlMs` (masking a namespace is most of a collection's cost).
 * The live cluster is always read afresh.
 */
function memoized(source: EvidenceSource, ttlMs: number): EvidenceSource {
  const collected = new Map<string, { at: number; snapshot: ReturnType<EvidenceSource['collect']> }>();
  return {
    kind: source.kind,
    check: (signal) => source.check(signal),
    listNamespaces: (signal) => source.listNamespaces(signal),
    collect(scope, signal) {
      signal?.throwIfAborted();
      const key = JSON.stringify([scope.namespace ?? null, scope.target ?? null, scope.tailLines ?? null]);
      const hit = collected.get(key);
      if (hit && Date.now() - hit.at <= ttlMs) return hit.snapshot;
      const snapshot = source.collect(scope, signal);
      collected.set(key, { at: Date.now(), snapshot });
      snapshot.catch(() => collected.delete(key));
      return snapshot;
    },
  };
}

/**
 * The live source, with @kubernetes/client-node (~800 modules) imported on first use: a demo or
 * dump investigation, and a process that never reaches the cluster, never load it.
 */
function lazyLiveSource(options: LiveSourceOptions): EvidenceSource {
  let live: Promise<EvidenceSource> | undefined;
  const source = () => (live ??= import('../investigator/sources/live-source.js').then((m) => m.createLiveSource(options)));
  return {
    kind: 'live',
    check: async (signal) => (await source()).check(signal),
    listNamespaces: async (signal) => (await source()).listNamespaces(signal),
    collect: async (scope, signal) => (await source()).collect(scope, signal),
  };
}

/** `auto` → live when a kubeconfig (or an in-cluster service account) is there, else the demo cluster. */
export function resolveEvidenceKind(setting: EvidenceSetting, o: EvidenceProviderOptions = {}): 'demo' | 'live' | 'dump' {
  if (setting.kind !== 'auto') return setting.kind;
  const env = o.env ?? process.env;
  const kubeconfig = candidatePaths({ ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), env }).some((p) => existsSync(p));
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync(IN_CLUSTER_TOKEN);
  return kubeconfig || inCluster ? 'live' : 'demo';
}

export function createEvidenceProvider(setting: EvidenceSetting, o: EvidenceProviderOptions = {}): EvidenceProvider {
  const kind = resolveEvidenceKind(setting, o);
  const ttl = o.indexTtlMs ?? 10_000;
  let source: EvidenceSource;
  let names: EvidenceSource;
  let description: string;
  if (kind === 'live') {
    const c = o.cluster;
    const location = { ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), ...(c && o.env ? { env: o.env } : {}), ...(c?.context ? { context: c.context } : {}), ...(c?.inCluster ? { inCluster: true } : {}) };
    source = lazyLiveSource(location);
    // Names only, and only in this process (the index keeps names, never specs): unmasked is safe and cheap.
    names = lazyLiveSource({ ...location, redact: false });
    description = c ? `cluster ${c.name} (${c.inCluster ? 'in-cluster service account' : `kubeconfig context ${c.context}`})` : 'live cluster (kubeconfig)';
  } else if (kind === 'dump') {
    if (setting.kind !== 'dump') throw new SyntraError('config_invalid', 'dump evidence needs a directory');
    source = createDumpSource(setting.dir);
    names = createDumpSource(setting.dir, { redact: false });
    description = `cluster dump ${setting.dir}`;
  } else {
    source = demoSource();
    names = demoSource({ redact: false });
    description = 'bundled demo cluster';
  }

  let cached: { at: number; index: Promise<ClusterIndex> } | undefined;
  return {
    kind,
    description,
    source: kind === 'live' ? source : memoized(source, ttl),
    index(signal) {
      const now = Date.now();
      if (!cached || now - cached.at > ttl) {
        // A live cluster is asked for workloads and pods only: no events, logs or other kinds every ttl.
        const index = names.collect({ tailLines: 1, namesOnly: true }, signal).then(clusterIndexFromSnapshot);
        cached = { at: now, index };
        index.catch(() => {
          if (cached?.index === index) cached = undefined;
        });
      }
      return cached.index;
    },
  };
}
