import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import type { ClusterSnapshot } from '../evidence/snapshot.js';
import { normalizeKind, podsOfWorkload } from './owners.js';
import { SnapshotIndex } from './snapshot-index.js';

/** The objects analyzers look at; the rest of the snapshot stays reachable through the index. */
export type AnalysisScope = Pick<
  ClusterSnapshot,
  | 'pods' | 'deployments' | 'replicaSets' | 'statefulSets' | 'daemonSets' | 'jobs' | 'cronJobs'
  | 'services' | 'ingresses' | 'persistentVolumeClaims' | 'nodes' | 'horizontalPodAutoscalers'
>;

export interface AnalysisContext {
  snapshot: ClusterSnapshot;
  index: SnapshotIndex;
  scope: AnalysisScope;
  namespace?: string;
  target?: ResourceRef;
}

export interface ContextOptions {
  namespace?: string;
  target?: ResourceRef;
  /** Reuse an index built for the same snapshot (diagnoseAll builds it once). */
  index?: SnapshotIndex;
}

const inNamespace =
  (ns: string | undefined) =>
  (o: { metadata?: { namespace?: string } }): boolean =>
    ns === undefined || !o.metadata?.namespace || o.metadata.namespace === ns;

function emptyScope(): AnalysisScope {
  return {
    pods: [], deployments: [], replicaSets: [], statefulSets: [], daemonSets: [], jobs: [], cronJobs: [],
    services: [], ingresses: [], persistentVolumeClaims: [], nodes: [], horizontalPodAutoscalers: [],
  };
}

/** Nodes and PVCs the pods depend on: scheduling and storage problems explain pod problems. */
function addPodDependencies(scope: AnalysisScope, index: SnapshotIndex): void {
  const nodes = new Set<string>();
  const pvcs = new Map<string, V1PersistentVolumeClaim>();
  for (const pod of scope.pods) {
    if (pod.spec?.nodeName) nodes.add(pod.spec.nodeName);
    for (const v of pod.spec?.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      const pvc = claim ? SnapshotIndex.find(index.pvcs, pod.metadata?.namespace, claim) : undefined;
      if (pvc) pvcs.set(`${pvc.metadata?.namespace}/${pvc.metadata?.name}`, pvc);
    }
  }
  const known = new Set(scope.nodes.map((n) => n.metadata?.name));
  for (const name of nodes) {
    const node = SnapshotIndex.find(index.nodes, undefined, name);
    if (node && !known.has(name)) scope.nodes.push(node);
  }
  const knownPvcs = new Set(scope.persistentVolumeClaims);
  for (const pvc of pvcs.values()) if (!knownPvcs.has(pvc)) scope.persistentVolumeClaims.push(pvc);
}

function namespaceScope(snapshot: ClusterSnapshot, ns: string | undefined): AnalysisScope {
  const keep = inNamespace(ns);
  const scope: AnalysisScope = {
    pods: snapshot.pods.filter(keep),
    deployments: snapshot.deployments.filter(keep),
    replicaSets: snapshot.replicaSets.filter(keep),
    statefulSets: snapshot.statefulSets.filter(keep),
    daemonSets: snapshot.daemonSets.filter(keep),
    jobs: snapshot.jobs.filter(keep),
    cronJobs: snapshot.cronJobs.filter(keep),
    services: snapshot.services.filter(keep),
    ingresses: snapshot.ingresses.filter(keep),
    persistentVolumeClaims: snapshot.persistentVolumeClaims.filter(keep),
    nodes: ns === undefined ? [...snapshot.nodes] : [],
    horizontalPodAutoscalers: snapshot.horizontalPodAutoscalers.filter(keep),
  };
  return scope;
}

/** The target and everything that belongs to it down the owner chain. */
function targetScope(index: SnapshotIndex, target: ResourceRef): AnalysisScope {
  const scope = emptyScope();
  const ns = target.namespace;
  const find = <T>(map: Map<string, T>): T[] => {
    const found = SnapshotIndex.find(map, ns, target.name);
    return found ? [found] : [];
  };
  switch (target.kind) {
    case 'Deployment':
      scope.deployments = find(index.deployments);
      scope.replicaSets = index.replicaSetsOf(ns, target.name);
      break;
    case 'ReplicaSet':
      scope.replicaSets = find(index.replicaSets);
      break;
    case 'StatefulSet':
      scope.statefulSets = find(index.statefulSets);
      break;
    case 'DaemonSet':
      scope.daemonSets = find(index.daemonSets);
      break;
    case 'Job':
      scope.jobs = find(index.jobs);
      break;
    case 'CronJob':
      scope.cronJobs = find(index.cronJobs);
      scope.jobs = index.jobsOf(ns, target.name);
      break;
    case 'Service':
      scope.services = find(index.services);
      break;
    case 'Ingress':
      scope.ingresses = index.snapshot.ingresses.filter((i) => i.metadata?.name === target.name && inNamespace(ns)(i));
      break;
    case 'PersistentVolumeClaim':
      scope.persistentVolumeClaims = find(index.pvcs);
      break;
    case 'Node':
      scope.nodes = find(index.nodes);
      break;
    case 'HorizontalPodAutoscaler':
      scope.horizontalPodAutoscalers = index.snapshot.horizontalPodAutoscalers.filter((h) => h.metadata?.name === target.name && inNamespace(ns)(h));
      break;
    case 'ResourceQuota':
      scope.replicaSets = index.snapshot.replicaSets.filter(inNamespace(ns));
      scope.jobs = index.snapshot.jobs.filter(inNamespace(ns));
      break;
  }
  // A Service target brings its pods: their problems explain its missing endpoints.
  scope.pods = target.kind === 'Service' ? scope.services.flatMap((svc) => index.podsSelectedBy(svc)) : podsOfWorkload(index, target);
  if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(target.kind)) {
    scope.horizontalPodAutoscalers = index.snapshot.horizontalPodAutoscalers.filter(
      (h) => inNamespace(ns)(h) && h.spec?.scaleTargetRef.kind === target.kind && h.spec.scaleTargetRef.name === target.name,
    );
  }
  return scope;
}

export function buildAnalysisContext(snapshot: ClusterSnapshot, options: ContextOptions = {}): AnalysisContext {
  const index = options.index ?? new SnapshotIndex(snapshot);
  const target = options.target ? { ...options.target, kind: normalizeKind(options.target.kind) } : undefined;
  const namespace = target?.namespace ?? options.namespace;
  const scope = target ? targetScope(index, target) : namespaceScope(snapshot, namespace);
  addPodDependencies(scope, index);
  return { snapshot, index, scope, ...(namespace !== undefined ? { namespace } : {}), ...(target ? { target } : {}) };
}
