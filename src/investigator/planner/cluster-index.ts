import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { controllerOf } from '../cluster/query.js';
import type { ClusterSnapshot } from '../cluster/snapshot.js';
import type { WorkloadKind } from './plan.js';

/** The names the planner resolves against: namespaces, workloads, pods (and who owns each pod). */
export interface ClusterIndex {
  namespaces: string[];
  workloads: Array<{ kind: WorkloadKind; name: string; namespace: string }>;
  pods: Array<{ name: string; namespace: string; workload?: { kind: WorkloadKind; name: string } }>;
}

type Named = { metadata?: V1ObjectMeta };

/** ReplicaSet → Deployment and Job → CronJob, so a pod is attributed to the workload a person names. */
function topWorkload(snapshot: ClusterSnapshot, namespace: string, owner: V1OwnerReference | undefined): { kind: WorkloadKind; name: string } | undefined {
  if (!owner) return undefined;
  const parentOf = (items: Named[]) =>
    controllerOf(items.find((i) => i.metadata?.name === owner.name && i.metadata?.namespace === namespace)?.metadata);
  if (owner.kind === 'ReplicaSet') {
    const parent = parentOf(snapshot.replicaSets);
    if (parent?.kind === 'Deployment') return { kind: 'Deployment', name: parent.name };
    // A ReplicaSet of a Deployment is named <deployment>-<pod-template-hash>; keep that even without the RS object.
    const guess = owner.name.replace(/-[a-z0-9]{8,10}$/, '');
    if (guess !== owner.name && snapshot.deployments.some((d) => d.metadata?.name === guess && d.metadata?.namespace === namespace)) {
      return { kind: 'Deployment', name: guess };
    }
    return { kind: 'ReplicaSet', name: owner.name };
  }
  if (owner.kind === 'Job') {
    const parent = parentOf(snapshot.jobs);
    if (parent?.kind === 'CronJob') return { kind: 'CronJob', name: parent.name };
    return { kind: 'Job', name: owner.name };
  }
  if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') return { kind: owner.kind, name: owner.name };
  return undefined;
}

export function clusterIndexFromSnapshot(snapshot: ClusterSnapshot): ClusterIndex {
  const namespaces = new Set(snapshot.namespaces);
  const workloads: ClusterIndex['workloads'] = [];
  const add = (kind: WorkloadKind, items: Named[]) => {
    for (const item of items) {
      const name = item.metadata?.name;
      const namespace = item.metadata?.namespace;
      if (!name || !namespace) continue;
      namespaces.add(namespace);
      // ReplicaSets and Jobs owned by a Deployment/CronJob are implementation details, not names people use.
      if ((kind === 'ReplicaSet' || kind === 'Job') && controllerOf(item.metadata)) continue;
      workloads.push({ kind, name, namespace });
    }
  };
  add('Deployment', snapshot.deployments);
  add('StatefulSet', snapshot.statefulSets);
  add('DaemonSet', snapshot.daemonSets);
  add('CronJob', snapshot.cronJobs);
  add('Job', snapshot.jobs);
  add('ReplicaSet', snapshot.replicaSets);

  const pods: ClusterIndex['pods'] = [];
  for (const pod of snapshot.pods) {
    const name = pod.metadata?.name;
    const namespace = pod.metadata?.namespace;
    if (!name || !namespace) continue;
    namespaces.add(namespace);
    const workload = topWorkload(snapshot, namespace, controllerOf(pod.metadata));
    pods.push({ name, namespace, ...(workload ? { workload } : {}) });
  }
  return { namespaces: [...namespaces].sort(), workloads, pods };
}
