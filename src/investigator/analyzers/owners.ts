import type { V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import { controllerOf, SnapshotIndex } from './snapshot-index.js';

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

export function refOf(kind: string, meta: V1ObjectMeta | { name: string; namespace?: string } | undefined): ResourceRef {
  const ns = meta?.namespace;
  return { kind, name: meta?.name ?? '', ...(ns ? { namespace: ns } : {}) };
}

/** One step up the owner chain, when the owner is a kind we group by. */
function parentOf(index: SnapshotIndex, ref: ResourceRef): ResourceRef | undefined {
  let meta: V1ObjectMeta | undefined;
  if (ref.kind === 'Pod') meta = SnapshotIndex.find(index.pods, ref.namespace, ref.name)?.metadata;
  else if (ref.kind === 'ReplicaSet') meta = SnapshotIndex.find(index.replicaSets, ref.namespace, ref.name)?.metadata;
  else if (ref.kind === 'Job') meta = SnapshotIndex.find(index.jobs, ref.namespace, ref.name)?.metadata;
  const owner = controllerOf(meta);
  if (!owner || !['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(owner.kind)) return undefined;
  return { kind: owner.kind, name: owner.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
}

/** The top of the owner chain (the resource itself when it has no known owner). */
export function workloadOf(index: SnapshotIndex, ref: ResourceRef): ResourceRef {
  let current = ref;
  for (let depth = 0; depth < 4; depth += 1) {
    const parent = parentOf(index, current);
    if (!parent) break;
    current = parent;
  }
  return current;
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
