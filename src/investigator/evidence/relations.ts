import type { CoreV1Event, V1Endpoints, V1LabelSelector, V1ObjectMeta, V1OwnerReference, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import type { ClusterSnapshot, ContainerLog } from './snapshot.js';

/**
 * How objects of a snapshot relate: owner chains (Pod → ReplicaSet → Deployment, Pod → Job →
 * CronJob, Pod → StatefulSet/DaemonSet), pods of the same owner, pods behind a service, events
 * and logs of an object, and the secrets, config maps and claims a pod needs. Owners are matched
 * by kind, name and namespace (objects parsed from describe text carry no uid).
 */
interface WithMeta {
  kind?: string;
  metadata?: V1ObjectMeta;
}

export interface OwnerLink extends ResourceRef {
  /** The owner object when the snapshot has it; absent when only the reference is known. */
  object?: WithMeta;
}

const COLLECTION_OF_KIND: Record<string, keyof ClusterSnapshot> = {
  ReplicaSet: 'replicaSets', Deployment: 'deployments', StatefulSet: 'statefulSets', DaemonSet: 'daemonSets',
  Job: 'jobs', CronJob: 'cronJobs', Pod: 'pods', Service: 'services', Node: 'nodes', PersistentVolumeClaim: 'persistentVolumeClaims',
  Ingress: 'ingresses', HorizontalPodAutoscaler: 'horizontalPodAutoscalers', Endpoints: 'endpoints', PersistentVolume: 'persistentVolumes',
};

export const refOf = (obj: WithMeta, kind?: string): ResourceRef => ({
  kind: kind ?? obj.kind ?? '',
  name: obj.metadata?.name ?? '',
  ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
});

/** The owner that manages an object: the controller reference, else the first owner. */
export const controllerOf = (meta: V1ObjectMeta | undefined): V1OwnerReference | undefined =>
  meta?.ownerReferences?.find((o) => o.controller) ?? meta?.ownerReferences?.[0];

/** The object of a kind and name in a snapshot (namespace optional for cluster-scoped kinds). */
export function findObject(snapshot: ClusterSnapshot, ref: ResourceRef): WithMeta | undefined {
  const collection = COLLECTION_OF_KIND[ref.kind];
  if (!collection) return undefined;
  return (snapshot[collection] as WithMeta[]).find(
    (o) => o.metadata?.name === ref.name && (ref.namespace === undefined || !o.metadata?.namespace || o.metadata.namespace === ref.namespace),
  );
}

/**
 * Controller owners, nearest first: [ReplicaSet, Deployment] for a Deployment's pod. The walk
 * stops at an owner `lookup` cannot find; callers with an index pass a faster lookup than the
 * snapshot scan.
 */
export function ownerChain(
  snapshot: ClusterSnapshot,
  obj: WithMeta,
  lookup: (ref: ResourceRef) => WithMeta | undefined = (ref) => findObject(snapshot, ref),
): OwnerLink[] {
  const chain: OwnerLink[] = [];
  let current: WithMeta | undefined = obj;
  const namespace = obj.metadata?.namespace;
  for (let depth = 0; current && depth < 8; depth += 1) {
    const owner = controllerOf(current.metadata);
    if (!owner) break;
    const ref: ResourceRef = { kind: owner.kind, name: owner.name, ...(namespace ? { namespace } : {}) };
    const object = lookup(ref);
    chain.push({ ...ref, ...(object ? { object } : {}) });
    current = object;
  }
  return chain;
}

/** The workload that manages a pod: the end of its owner chain (Deployment, StatefulSet, CronJob, …). */
export function topOwner(snapshot: ClusterSnapshot, obj: WithMeta): OwnerLink | undefined {
  return ownerChain(snapshot, obj).at(-1);
}

const sameRef = (a: ResourceRef, b: ResourceRef) =>
  a.kind === b.kind && a.name === b.name && (a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace);

/** Pods whose owner chain contains `owner` (all pods of a Deployment through its ReplicaSets). */
export function podsOfOwner(snapshot: ClusterSnapshot, owner: ResourceRef): V1Pod[] {
  return snapshot.pods.filter((p) => ownerChain(snapshot, p).some((o) => sameRef(o, owner)));
}

/** The other pods of the same workload (siblings), the pod itself excluded. */
export function relatedPods(snapshot: ClusterSnapshot, pod: V1Pod): V1Pod[] {
  const owner = topOwner(snapshot, pod);
  if (!owner) return [];
  return podsOfOwner(snapshot, owner).filter((p) => p.metadata?.name !== pod.metadata?.name);
}

/** matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), or a plain map (services). */
export function selectorMatches(selector: V1LabelSelector | Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const matchLabels = (isLabelSelector ? (selector as V1LabelSelector).matchLabels : (selector as Record<string, string>)) ?? {};
  const expressions = isLabelSelector ? ((selector as V1LabelSelector).matchExpressions ?? []) : [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  return (
    Object.entries(matchLabels).every(([k, v]) => l[k] === v) &&
    expressions.every((e) => {
      const has = e.key in l;
      switch (e.operator) {
        case 'In': return has && (e.values ?? []).includes(l[e.key]!);
        case 'NotIn': return !has || !(e.values ?? []).includes(l[e.key]!);
        case 'Exists': return has;
        case 'DoesNotExist': return !has;
        default: return false;
      }
    })
  );
}

/** A plain label selector as kubectl prints it: `app=auth,tier=api`. */
export const selectorText = (sel: Record<string, string> | undefined): string =>
  Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`).join(',');

/** Pods a service sends traffic to (its selector over pods of its namespace). */
export function podsSelectedBy(snapshot: ClusterSnapshot, service: V1Service): V1Pod[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return snapshot.pods.filter((p) => p.metadata?.namespace === service.metadata?.namespace && selectorMatches(selector, p.metadata?.labels));
}

export function servicesSelecting(snapshot: ClusterSnapshot, pod: V1Pod): V1Service[] {
  return snapshot.services.filter((s) => s.metadata?.namespace === pod.metadata?.namespace && selectorMatches(s.spec?.selector, pod.metadata?.labels));
}

export function endpointsOf(snapshot: ClusterSnapshot, service: V1Service): V1Endpoints | undefined {
  return snapshot.endpoints.find((e) => e.metadata?.name === service.metadata?.name && e.metadata?.namespace === service.metadata?.namespace);
}

/** Ready and not-ready endpoint addresses of a service (0 ready = nothing answers). */
export function endpointAddresses(snapshot: ClusterSnapshot, service: V1Service): { ready: number; notReady: number } | undefined {
  const ep = endpointsOf(snapshot, service);
  if (!ep) return undefined;
  const subsets = ep.subsets ?? [];
  return {
    ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0),
    notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
  };
}

const eventTime = (e: CoreV1Event): number => {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
};

/** Events about one object, oldest first. */
export function eventsFor(snapshot: ClusterSnapshot, ref: ResourceRef): CoreV1Event[] {
  return snapshot.events
    .filter((e) => e.involvedObject?.kind === ref.kind && e.involvedObject?.name === ref.name &&
      (ref.namespace === undefined || !e.involvedObject?.namespace || e.involvedObject.namespace === ref.namespace))
    .sort((a, b) => eventTime(a) - eventTime(b));
}

/** Logs of a pod, optionally of one container and instance. */
export function logsOf(snapshot: ClusterSnapshot, pod: ResourceRef, filter: { container?: string; previous?: boolean } = {}): ContainerLog[] {
  return snapshot.logs.filter((l) => l.pod === pod.name && (pod.namespace === undefined || l.namespace === '' || l.namespace === pod.namespace) &&
    (filter.container === undefined || l.container === filter.container) && (filter.previous === undefined || l.previous === filter.previous));
}
