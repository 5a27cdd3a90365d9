import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { accessModes, annotationMap, labelMap, present } from './describe-values.js';

/**
 * `kubectl describe pv` → a partial V1PersistentVolume (describe.go describePersistentVolume):
 * its phase (`Released` and `Failed` are why a claim cannot bind it again), the claim it is bound
 * or was bound to (`Claim: ns/name`), its class, reclaim policy, access modes and capacity.
 */
type Raw = Record<string, unknown>;

export function describePersistentVolume(root: DescribeNode): Raw {
  const claim = /^([^/\s]+)\/(\S+)$/.exec(childValue(root, 'Claim') ?? '');
  const capacity = present(childValue(root, 'Capacity'));
  const finalizers = /^\[(.*)\]$/.exec(childValue(root, 'Finalizers') ?? '')?.[1]?.split(/[\s,]+/).filter((s) => s !== '');
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: childValue(root, 'Name'), labels: labelMap(child(root, 'Labels')), annotations: annotationMap(child(root, 'Annotations')), ...(finalizers?.length ? { finalizers } : {}) },
    spec: {
      storageClassName: present(childValue(root, 'StorageClass')),
      persistentVolumeReclaimPolicy: present(childValue(root, 'Reclaim Policy')),
      accessModes: accessModes(childValue(root, 'Access Modes')),
      volumeMode: present(childValue(root, 'VolumeMode')),
      ...(capacity ? { capacity: { storage: capacity } } : {}),
      ...(claim ? { claimRef: { kind: 'PersistentVolumeClaim', namespace: claim[1], name: claim[2] } } : {}),
    },
    status: { phase: present(childValue(root, 'Status')), ...(present(childValue(root, 'Message')) ? { message: childValue(root, 'Message') } : {}) },
  };
}
