import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { accessModes as readAccessModes, annotationMap, labelMap, present } from './describe-values.js';

/** `kubectl describe pvc` → a partial V1PersistentVolumeClaim. */
type Raw = Record<string, unknown>;

const list = (v: string | undefined) => (present(v) ? v!.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined);

export function describePersistentVolumeClaim(root: DescribeNode): Raw {
  const capacity = present(childValue(root, 'Capacity'));
  const accessModes = readAccessModes(childValue(root, 'Access Modes'));
  const finalizers = /^\[(.*)\]$/.exec(childValue(root, 'Finalizers') ?? '')?.[1]?.split(/[\s,]+/).filter((s) => s !== '');
  const usedBy = list(childValue(root, 'Used By'));
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: childValue(root, 'Name'),
      namespace: present(childValue(root, 'Namespace')),
      labels: labelMap(child(root, 'Labels')),
      // `Used By` is not an API field: kept as an annotation so the link to pods is not lost.
      annotations: { ...annotationMap(child(root, 'Annotations')), ...(usedBy ? { 'syntra.dev/used-by': usedBy.join(',') } : {}) },
      finalizers,
    },
    spec: {
      storageClassName: present(childValue(root, 'StorageClass')),
      volumeName: present(childValue(root, 'Volume')),
      volumeMode: present(childValue(root, 'VolumeMode')),
      accessModes,
    },
    status: {
      phase: present(childValue(root, 'Status')),
      ...(capacity ? { capacity: { storage: capacity } } : {}),
      ...(accessModes && capacity ? { accessModes } : {}),
    },
  };
}
