import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import { canonicalKind, kindSpec } from '../cluster/kinds.js';
import { ClusterQuery } from '../cluster/query.js';
import type { ClusterSnapshot } from '../cluster/snapshot.js';
import { isStub } from '../bind.js';

/** The objects analyzers look at; the rest of the snapshot stays reachable through the query. */
export type AnalysisScope = Pick<
  ClusterSnapshot,
  | 'pods' | 'deployments' | 'replicaSets' | 'statefulSets' | 'daemonSets' | 'jobs' | 'cronJobs'
  | 'services' | 'ingresses' | 'persistentVolumeClaims' | 'nodes' | 'horizontalPodAutoscalers'
>;

const SCOPE_COLLECTIONS = [
  'pods', 'deployments', 'replicaSets', 'statefulSets', 'daemonSets', 'jobs', 'cronJobs',
  'services', 'ingresses', 'persistentVolumeClaims', 'nodes', 'horizontalPodAutoscalers',
] as const satisfies readonly (keyof AnalysisScope)[];

export interface AnalysisContext {
  snapshot: ClusterSnapshot;
  cluster: ClusterQuery;
  scope: AnalysisScope;
  namespace?: string;
  target?: ResourceRef;
}

export interface ContextOptions {
  namespace?: string;
  target?: ResourceRef;
  /** Reuse a query built for the same snapshot. */
  cluster?: ClusterQuery;
}

function emptyScope(): AnalysisScope {
  return Object.fromEntries(SCOPE_COLLECTIONS.map((c) => [c, []])) as unknown as AnalysisScope;
}

/** Nodes and PVCs the pods depend on: scheduling and storage problems explain pod problems. */
function addPodDependencies(scope: AnalysisScope, cluster: ClusterQuery): void {
  const nodes = new Set<string>();
  const pvcs = new Map<string, V1PersistentVolumeClaim>();
  for (const pod of scope.pods) {
    if (pod.spec?.nodeName) nodes.add(pod.spec.nodeName);
    for (const v of pod.spec?.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      const pvc = claim ? cluster.get<V1PersistentVolumeClaim>('PersistentVolumeClaim', pod.metadata?.namespace, claim) : undefined;
      if (pvc) pvcs.set(`${pvc.metadata?.namespace}/${pvc.metadata?.name}`, pvc);
    }
  }
  const known = new Set(scope.nodes.map((n) => n.metadata?.name));
  for (const name of nodes) {
    const node = cluster.get<AnalysisScope['nodes'][number]>('Node', undefined, name);
    if (node && !known.has(name)) scope.nodes.push(node);
  }
  const knownPvcs = new Set(scope.persistentVolumeClaims);
  for (const pvc of pvcs.values()) if (!knownPvcs.has(pvc)) scope.persistentVolumeClaims.push(pvc);
}

function namespaceScope(cluster: ClusterQuery, ns: string | undefined): AnalysisScope {
  const scope = emptyScope();
  scope.nodes = ns === undefined ? [...cluster.snapshot.nodes] : [];
  scope.pods = cluster.list('Pod', ns);
  scope.deployments = cluster.list('Deployment', ns);
  scope.replicaSets = cluster.list('ReplicaSet', ns);
  scope.statefulSets = cluster.list('StatefulSet', ns);
  scope.daemonSets = cluster.list('DaemonSet', ns);
  scope.jobs = cluster.list('Job', ns);
  scope.cronJobs = cluster.list('CronJob', ns);
  scope.services = cluster.list('Service', ns);
  scope.ingresses = cluster.list('Ingress', ns);
  scope.persistentVolumeClaims = cluster.list('PersistentVolumeClaim', ns);
  scope.horizontalPodAutoscalers = cluster.list('HorizontalPodAutoscaler', ns);
  return scope;
}

/** The scope collection that holds a kind, when analyzers look at that kind at all. */
const scopeCollectionOf = (kind: string): keyof AnalysisScope | undefined => {
  const c = kindSpec(kind)?.collection;
  return (SCOPE_COLLECTIONS as readonly string[]).includes(c ?? '') ? (c as keyof AnalysisScope) : undefined;
};

/** The target and everything that belongs to it down the owner chain. */
function targetScope(cluster: ClusterQuery, target: ResourceRef): AnalysisScope {
  const scope = emptyScope();
  const ns = target.namespace;
  const self = cluster.find(target);
  const collection = scopeCollectionOf(target.kind);
  if (self && collection && target.kind !== 'Pod') (scope[collection] as unknown[]).push(self);
  // What the target owns (a Deployment's ReplicaSets, a CronJob's Jobs) are analyzed with it.
  if (target.kind === 'Deployment') scope.replicaSets = cluster.ownedBy('Deployment', ns, target.name);
  if (target.kind === 'CronJob') scope.jobs = cluster.ownedBy('CronJob', ns, target.name);
  if (target.kind === 'ResourceQuota') {
    scope.replicaSets = cluster.list('ReplicaSet', ns);
    scope.jobs = cluster.list('Job', ns);
  }
  // A Service target brings its pods: their problems explain its missing endpoints.
  scope.pods = cluster.podsOf(target);
  if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(target.kind)) {
    scope.horizontalPodAutoscalers = cluster.list<AnalysisScope['horizontalPodAutoscalers'][number]>('HorizontalPodAutoscaler', ns)
      .filter((h) => h.spec?.scaleTargetRef.kind === target.kind && h.spec.scaleTargetRef.name === target.name);
  }
  return scope;
}

/** Stubs stand for objects the evidence only implies: what belongs to them is analyzed, not they. */
function withoutStubs(scope: AnalysisScope): AnalysisScope {
  for (const c of SCOPE_COLLECTIONS) (scope[c] as unknown[]) = (scope[c] as { metadata?: { annotations?: Record<string, string> } }[]).filter((o) => !isStub(o));
  return scope;
}

export function buildAnalysisContext(snapshot: ClusterSnapshot, options: ContextOptions = {}): AnalysisContext {
  const cluster = options.cluster ?? new ClusterQuery(snapshot);
  const target = options.target ? { ...options.target, kind: canonicalKind(options.target.kind) } : undefined;
  const namespace = target?.namespace ?? options.namespace;
  const scope = withoutStubs(target ? targetScope(cluster, target) : namespaceScope(cluster, namespace));
  addPodDependencies(scope, cluster);
  return { snapshot, cluster, scope, ...(namespace !== undefined ? { namespace } : {}), ...(target ? { target } : {}) };
}
