import type { KindCollections, KindName, ObjectCollection } from './snapshot.js';

/**
 * The one table of Kubernetes kinds Syntra understands. Everything that needs to know about a
 * kind reads it here: the evidence sources (which collection an object goes to, how to list it
 * live, which API path serves it), name resolution (kubectl's aliases), the owner walk (which
 * kinds are workloads people name), the describe parser, and remediation (which kubectl verbs
 * the kind supports). Adding a kind = a row here + its analyzer + its tests.
 */
export interface KindSpec {
  kind: string;
  collection: ObjectCollection;
  /** The preferred version, used for objects that do not print one (describe text, table rows). */
  apiVersion: string;
  /** The REST resource (plural), as in `/api/v1/namespaces/{ns}/pods` and `kubectl get pods`. */
  resource: string;
  namespaced: boolean;
  /** What kubectl accepts besides the kind: singular, plural and short names, lower case. */
  aliases: readonly string[];
  /**
   * How objects are stored: `typed` are deserialized into the client-node model named `model`;
   * `summary` keeps names and keys only (secret values never enter a snapshot).
   */
  model: string;
  /** A workload people name: pods are grouped under the top one of their owner chain. */
  workload?: boolean;
  /** Read live for every collection (false: only when a caller asks for it). */
  listLive?: boolean;
  /**
   * The API versions to read it from live, most preferred first; the first one the cluster
   * serves is used (default: `apiVersion`). Objects of another version are converted to
   * `apiVersion` on the way in (api-versions.ts).
   */
  liveVersions?: readonly string[];
  /** `kubectl rollout restart|undo|status` supports it. */
  rollout?: boolean;
  /** `kubectl scale` supports it. */
  scalable?: boolean;
}

const row = <K extends KindName>(k: KindSpec & { kind: K; collection: KindCollections[K] }): KindSpec => Object.freeze({ listLive: true, ...k });

/** In name-search order: workloads before their parts, pods before what points at them. */
export const KINDS: readonly KindSpec[] = Object.freeze([
  row({ kind: 'Deployment', collection: 'deployments', apiVersion: 'apps/v1', resource: 'deployments', namespaced: true, aliases: ['deployment', 'deploy'], model: 'V1Deployment', workload: true, rollout: true, scalable: true }),
  row({ kind: 'StatefulSet', collection: 'statefulSets', apiVersion: 'apps/v1', resource: 'statefulsets', namespaced: true, aliases: ['statefulset', 'sts'], model: 'V1StatefulSet', workload: true, rollout: true, scalable: true }),
  row({ kind: 'DaemonSet', collection: 'daemonSets', apiVersion: 'apps/v1', resource: 'daemonsets', namespaced: true, aliases: ['daemonset', 'ds'], model: 'V1DaemonSet', workload: true, rollout: true }),
  row({ kind: 'CronJob', collection: 'cronJobs', apiVersion: 'batch/v1', resource: 'cronjobs', namespaced: true, aliases: ['cronjob', 'cj'], model: 'V1CronJob', workload: true }),
  row({ kind: 'Job', collection: 'jobs', apiVersion: 'batch/v1', resource: 'jobs', namespaced: true, aliases: ['job'], model: 'V1Job', workload: true }),
  row({ kind: 'ReplicaSet', collection: 'replicaSets', apiVersion: 'apps/v1', resource: 'replicasets', namespaced: true, aliases: ['replicaset', 'rs'], model: 'V1ReplicaSet', workload: true, scalable: true }),
  row({ kind: 'Pod', collection: 'pods', apiVersion: 'v1', resource: 'pods', namespaced: true, aliases: ['pod', 'po'], model: 'V1Pod' }),
  row({ kind: 'Service', collection: 'services', apiVersion: 'v1', resource: 'services', namespaced: true, aliases: ['service', 'svc'], model: 'V1Service' }),
  row({ kind: 'Endpoints', collection: 'endpoints', apiVersion: 'v1', resource: 'endpoints', namespaced: true, aliases: ['endpoints', 'ep'], model: 'V1Endpoints' }),
  row({ kind: 'Ingress', collection: 'ingresses', apiVersion: 'networking.k8s.io/v1', resource: 'ingresses', namespaced: true, aliases: ['ingress', 'ing'], model: 'V1Ingress' }),
  row({ kind: 'IngressClass', collection: 'ingressClasses', apiVersion: 'networking.k8s.io/v1', resource: 'ingressclasses', namespaced: false, aliases: ['ingressclass'], model: 'V1IngressClass' }),
  row({ kind: 'NetworkPolicy', collection: 'networkPolicies', apiVersion: 'networking.k8s.io/v1', resource: 'networkpolicies', namespaced: true, aliases: ['networkpolicy', 'netpol'], model: 'V1NetworkPolicy' }),
  row({ kind: 'PersistentVolumeClaim', collection: 'persistentVolumeClaims', apiVersion: 'v1', resource: 'persistentvolumeclaims', namespaced: true, aliases: ['persistentvolumeclaim', 'pvc'], model: 'V1PersistentVolumeClaim' }),
  row({ kind: 'PersistentVolume', collection: 'persistentVolumes', apiVersion: 'v1', resource: 'persistentvolumes', namespaced: false, aliases: ['persistentvolume', 'pv'], model: 'V1PersistentVolume' }),
  row({ kind: 'StorageClass', collection: 'storageClasses', apiVersion: 'storage.k8s.io/v1', resource: 'storageclasses', namespaced: false, aliases: ['storageclass', 'sc'], model: 'V1StorageClass' }),
  row({ kind: 'Node', collection: 'nodes', apiVersion: 'v1', resource: 'nodes', namespaced: false, aliases: ['node', 'no'], model: 'V1Node' }),
  row({ kind: 'HorizontalPodAutoscaler', collection: 'horizontalPodAutoscalers', apiVersion: 'autoscaling/v2', resource: 'horizontalpodautoscalers', namespaced: true, aliases: ['horizontalpodautoscaler', 'hpa'], model: 'V2HorizontalPodAutoscaler' }),
  row({ kind: 'ResourceQuota', collection: 'resourceQuotas', apiVersion: 'v1', resource: 'resourcequotas', namespaced: true, aliases: ['resourcequota', 'quota'], model: 'V1ResourceQuota' }),
  row({ kind: 'LimitRange', collection: 'limitRanges', apiVersion: 'v1', resource: 'limitranges', namespaced: true, aliases: ['limitrange', 'limits'], model: 'V1LimitRange' }),
  row({ kind: 'ConfigMap', collection: 'configMaps', apiVersion: 'v1', resource: 'configmaps', namespaced: true, aliases: ['configmap', 'cm'], model: 'summary' }),
  row({ kind: 'Secret', collection: 'secrets', apiVersion: 'v1', resource: 'secrets', namespaced: true, aliases: ['secret'], model: 'summary' }),
  row({ kind: 'Event', collection: 'events', apiVersion: 'v1', resource: 'events', namespaced: true, aliases: ['event', 'ev'], model: 'CoreV1Event', liveVersions: ['events.k8s.io/v1', 'v1'] }),
]);

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));
const BY_NAME = new Map<string, KindSpec>();
for (const k of KINDS) {
  for (const name of [k.kind.toLowerCase(), k.resource, ...k.aliases]) BY_NAME.set(name, k);
}

/**
 * The kind a person or kubectl means: `deploy`, `deployments`, `Deployment`,
 * `deployment.apps`, `deployments.v1.apps` → the Deployment row; undefined when unknown.
 */
export function kindOf(text: string): KindSpec | undefined {
  const exact = BY_KIND.get(text);
  if (exact) return exact;
  const base = text.trim().split('.')[0]!.toLowerCase();
  return BY_NAME.get(base);
}

/** The API kind for a spelling kubectl accepts, or undefined. */
export const resolveKind = (text: string): string | undefined => kindOf(text)?.kind;

/** The API kind for a known spelling; an unknown one comes back as given (callers report it). */
export const canonicalKind = (text: string): string => resolveKind(text) ?? text;

export const kindSpec = (kind: string): KindSpec | undefined => BY_KIND.get(kind);

export const WORKLOAD_KINDS: readonly string[] = KINDS.filter((k) => k.workload).map((k) => k.kind);

/** Kinds people ask about by name (everything but bookkeeping objects). */
export const SEARCHABLE_KINDS: readonly KindSpec[] = KINDS.filter((k) => !['Event', 'ConfigMap', 'Secret', 'LimitRange', 'IngressClass', 'StorageClass', 'PersistentVolume', 'Endpoints'].includes(k.kind));
