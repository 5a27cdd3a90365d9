import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { labelMap, present } from './describe-values.js';

/**
 * `kubectl describe storageclass` → V1StorageClass (describe.go describeStorageClass). Unlike other
 * kinds it prints its annotations as `key=value` (labels.FormatLabels), and whether it is the
 * default class as `IsDefaultClass: Yes`.
 */
type Raw = Record<string, unknown>;

export function describeStorageClass(root: DescribeNode): Raw {
  const annotations = labelMap(child(root, 'Annotations')) ?? {};
  if (childValue(root, 'IsDefaultClass') === 'Yes') annotations['storageclass.kubernetes.io/is-default-class'] ??= 'true';
  const mountOptions = present(childValue(root, 'MountOptions'))?.split(',').map((s) => s.trim());
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: childValue(root, 'Name'), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    provisioner: childValue(root, 'Provisioner'),
    parameters: labelMap(child(root, 'Parameters')),
    reclaimPolicy: present(childValue(root, 'ReclaimPolicy')),
    volumeBindingMode: present(childValue(root, 'VolumeBindingMode')),
    ...(present(childValue(root, 'AllowVolumeExpansion')) ? { allowVolumeExpansion: childValue(root, 'AllowVolumeExpansion') === 'True' } : {}),
    ...(mountOptions ? { mountOptions } : {}),
  };
}
