import type { V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import { ownerChain } from '../evidence/relations.js';
import { SnapshotIndex } from './snapshot-index.js';

/**
 * Owner chains: Pod → ReplicaSet → Deployment, Pod → Job → CronJob, Pod → StatefulSet/DaemonSet.
 * The top of the chain is the "workload" findings are grouped by (3 crashing pods of one
 * deployment are one diagnosis of that deployment).
 */
const KIND_ALIASES: Record<string, string> = {
  po: 'Pod', pod: 'Pod', pods: 'Pod',
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment',
  rs: 'ReplicaSet', replicaset: 'ReplicaSet', replicasets: 'ReplicaSet',
  sts: 'StatefulSet', statefulset: 'StatefulSet', statefulsets: 'StatefulSet',
  ds: 'DaemonSet', daemonset: 'DaemonSet', daemonsets: 'DaemonSet',
  job: 'Job', jobs: 'Job',
  cj: 'CronJob', cronjob: 'CronJob', cronjobs: 'CronJob',
  svc: 'Service', service: 'Service', services: 'Service',
  ing: 'Ingress', ingress: 'Ingress', ingresses: 'Ingress',
  pvc: 'PersistentVolumeClaim', persistentvolumeclaim: 'PersistentVolumeClaim', persistentvolumeclaims: 'PersistentVolumeClaim',
  no: 'Node', node: 'Node', nodes: 'Node',
  hpa: 'HorizontalPodAutoscaler', horizontalpodautoscaler: 'HorizontalPodAutoscaler', horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  quota: 'ResourceQuota', resourcequota: 'ResourceQuota', resourcequotas: 'ResourceQuota',
  ep: 'Endpoints', endpoints: 'Endpoints',
};

/** `deploy`, `deployments`, `Deployment`, `deployment.apps` → `Deployment`. */
export function normalizeKind(kind: string): string {
  const base = kind.split('.')[0] ?? kind;
  return KIND_ALIASES[base.toLowerCase()] ?? base;
}

export const refKey = (r: ResourceRef): string => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

const WORKLOAD_KINDS = new Set(['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * The objects an owner chain passes through (pods, their ReplicaSets and Jobs), from the index,
 * in the namespace of the ref the walk started from (objects parsed from text may lack one).
 */
function chainLookup(index: SnapshotIndex, namespace: string | undefined) {
  return (ref: ResourceRef): { metadata?: V1ObjectMeta } | undefined => {
    if (ref.kind === 'Pod') return SnapshotIndex.find(index.pods, namespace, ref.name);
    if (ref.kind === 'ReplicaSet') return SnapshotIndex.find(index.replicaSets, namespace, ref.name);
    if (ref.kind === 'Job') return SnapshotIndex.find(index.jobs, namespace, ref.name);
    return undefined;
  };
}

/**
 * The top of the owner chain (the resource itself when it has no known owner), counting only
 * owners that are workloads we group by, at most four steps up.
 */
export function workloadOf(index: SnapshotIndex, ref: ResourceRef): ResourceRef {
  const lookup = chainLookup(index, ref.namespace);
  const self = lookup(ref);
  let top = ref;
  if (!self) return top;
  for (const owner of ownerChain(index.snapshot, self, lookup).slice(0, 4)) {
    if (!WORKLOAD_KINDS.has(owner.kind)) break;
    top = { kind: owner.kind, name: owner.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
  }
  return top;
}

/** Pods of a workload, walking down the chain (Deployment → ReplicaSets → Pods; CronJob → Jobs → Pods). */
export function podsOfWorkload(index: SnapshotIndex, ref: ResourceRef): V1Pod[] {
  switch (ref.kind) {
    case 'Pod': {
      const pod = SnapshotIndex.find(index.pods, ref.namespace, ref.name);
      return pod ? [pod] : [];
    }
    case 'Deployment':
      return index.replicaSetsOf(ref.namespace, ref.name).flatMap((rs) => index.podsOwnedBy('ReplicaSet', ref.namespace, rs.metadata?.name ?? ''));
    case 'CronJob':
      return index.jobsOf(ref.namespace, ref.name).flatMap((job) => index.podsOwnedBy('Job', ref.namespace, job.metadata?.name ?? ''));
    default:
      return index.podsOwnedBy(ref.kind, ref.namespace, ref.name);
  }
}
