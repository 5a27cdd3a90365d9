import type {
  CoreV1Event,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Endpoints,
  V2HorizontalPodAutoscaler,
  V1Ingress,
  V1IngressClass,
  V1Job,
  V1LimitRange,
  V1NetworkPolicy,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ReplicaSet,
  V1ResourceQuota,
  V1Service,
  V1StatefulSet,
  V1StorageClass,
} from '@kubernetes/client-node';
import { KINDS } from './kinds.js';

/**
 * The normalized evidence model: one snapshot of (part of) a cluster, whatever the source
 * (live API, `kubectl cluster-info dump`, kubectl text output, the bundled demo).
 *
 * Objects keep the Kubernetes API shape (as the API server returns them), so analyzers can
 * cite exact fields (`status.containerStatuses[0].lastState.terminated.reason`). Sources that
 * know less (a `kubectl describe` text) fill in what they know and leave the rest undefined.
 * Secrets never carry values: only their names, types and keys.
 */
export interface SecretSummary {
  metadata: { name: string; namespace: string; creationTimestamp?: string; labels?: Record<string, string> };
  type?: string;
  keys: string[];
  /** Listed without its keys (a `kubectl get secrets` row): it exists, and `keys` says nothing. */
  keysUnknown?: true;
}

export interface ConfigMapSummary {
  metadata: { name: string; namespace: string; creationTimestamp?: string; labels?: Record<string, string> };
  keys: string[];
  /** Listed without its keys (a `kubectl get cm` row): it exists, and `keys` says nothing. */
  keysUnknown?: true;
}

export interface ContainerLog {
  namespace: string;
  pod: string;
  container: string;
  /** true for the logs of the previous (crashed) instance: `kubectl logs --previous`. */
  previous: boolean;
  /** Log lines, oldest first, secrets already masked. Timestamps stay in the line when the source had them. */
  lines: string[];
}

export type EvidenceSourceKind = 'live' | 'dump' | 'kubectl' | 'demo';

/**
 * A line of evidence that is neither an object nor a container's log: a kubectl error printed
 * with the output (`Error from server (NotFound): pods "x" not found`), a message pasted on its
 * own, a value printed by `-o jsonpath`. Analyzers read them like event messages.
 */
export interface EvidenceNote {
  /** The input it came from (file name, `stdin`). */
  input: string;
  text: string;
  origin: 'kubectl-error' | 'text';
}

/** What was read from one input: what it was recognised as, how many objects, what was skipped and why. */
export interface InputAccount {
  source: string;
  recognized_as: string[];
  objects: number;
  log_lines?: number;
  skipped?: { lines: string; reason: string }[];
}

export interface ClusterSnapshot {
  /** `warnings`: evidence the source could not collect (e.g. listing secrets was forbidden). */
  source: { kind: EvidenceSourceKind; description: string; collectedAt: string; warnings?: string[]; inputs?: InputAccount[] };
  /** Namespaces covered by this snapshot (empty when unknown). */
  namespaces: string[];
  pods: V1Pod[];
  deployments: V1Deployment[];
  replicaSets: V1ReplicaSet[];
  statefulSets: V1StatefulSet[];
  daemonSets: V1DaemonSet[];
  jobs: V1Job[];
  cronJobs: V1CronJob[];
  services: V1Service[];
  endpoints: V1Endpoints[];
  ingresses: V1Ingress[];
  ingressClasses: V1IngressClass[];
  networkPolicies: V1NetworkPolicy[];
  nodes: V1Node[];
  persistentVolumeClaims: V1PersistentVolumeClaim[];
  persistentVolumes: V1PersistentVolume[];
  storageClasses: V1StorageClass[];
  configMaps: ConfigMapSummary[];
  secrets: SecretSummary[];
  resourceQuotas: V1ResourceQuota[];
  limitRanges: V1LimitRange[];
  /** Every HPA in autoscaling/v2 shape (autoscaling/v1 objects are converted up). */
  horizontalPodAutoscalers: V2HorizontalPodAutoscaler[];
  events: CoreV1Event[];
  logs: ContainerLog[];
  notes: EvidenceNote[];
}

/** The collections holding Kubernetes objects (everything but the source, namespaces and logs). */
export type ObjectCollection = Exclude<keyof ClusterSnapshot, 'source' | 'namespaces' | 'logs' | 'notes'>;

/** Which collection holds each kind (the kind table's rows are checked against it). */
export interface KindCollections {
  Pod: 'pods';
  Deployment: 'deployments';
  ReplicaSet: 'replicaSets';
  StatefulSet: 'statefulSets';
  DaemonSet: 'daemonSets';
  Job: 'jobs';
  CronJob: 'cronJobs';
  Service: 'services';
  Endpoints: 'endpoints';
  Ingress: 'ingresses';
  IngressClass: 'ingressClasses';
  NetworkPolicy: 'networkPolicies';
  Node: 'nodes';
  PersistentVolumeClaim: 'persistentVolumeClaims';
  PersistentVolume: 'persistentVolumes';
  StorageClass: 'storageClasses';
  ConfigMap: 'configMaps';
  Secret: 'secrets';
  ResourceQuota: 'resourceQuotas';
  LimitRange: 'limitRanges';
  HorizontalPodAutoscaler: 'horizontalPodAutoscalers';
  Event: 'events';
}

export type KindName = keyof KindCollections;

/** The object type of a kind: `ObjectOf<'Pod'>` is V1Pod. */
export type ObjectOf<K extends KindName> = ClusterSnapshot[KindCollections[K]][number];

export function emptySnapshot(source: ClusterSnapshot['source']): ClusterSnapshot {
  const snapshot = { source, namespaces: [], logs: [], notes: [] } as unknown as ClusterSnapshot;
  for (const k of KINDS) (snapshot[k.collection] as unknown[]) = [];
  return snapshot;
}

/**
 * The name of an object a fragment of evidence describes without naming it (a pasted Events
 * section, a container's `Last State`): diagnose() binds it to the target a person asks about.
 */
export const UNNAMED = '(unnamed)';

/** What to collect: a namespace (or all), optionally centred on one resource. */
export interface EvidenceScope {
  /** undefined = every namespace the source can see. */
  namespace?: string;
  target?: { kind: string; name: string };
  /** Log lines per container to keep (tail). Default 200. */
  tailLines?: number;
  /** Only what a name index needs: the workloads and pods, no other kinds, no events, no logs. */
  namesOnly?: boolean;
}

export interface ConnectivityReport {
  ok: boolean;
  /** e.g. "live cluster https://10.0.0.1:6443 (context prod)", "dump folder ./dump". */
  description: string;
  /** When not ok: a stable code and a message a person can act on. */
  problem?: { code: 'no_kubeconfig' | 'cluster_unreachable' | 'cluster_forbidden' | 'evidence_unreadable'; message: string };
}

/** One interface for every evidence source. Read-only by construction: nothing here writes. */
export interface EvidenceSource {
  readonly kind: EvidenceSourceKind;
  check(signal?: AbortSignal): Promise<ConnectivityReport>;
  listNamespaces(signal?: AbortSignal): Promise<string[]>;
  collect(scope: EvidenceScope, signal?: AbortSignal): Promise<ClusterSnapshot>;
}
