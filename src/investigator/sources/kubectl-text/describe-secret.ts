import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { labelMap, present } from './describe-values.js';

/**
 * `kubectl describe secret` → the Secret's keys (describe.go describeSecret): `Type:`, then under
 * `Data` / `====` one `key:  N bytes` line per key. kubectl never prints the values; the keys are what
 * a `couldn't find key X in Secret` is answered from.
 */
type Raw = Record<string, unknown>;

export const isSecretDescribe = (root: DescribeNode): boolean =>
  child(root, 'Type') !== undefined && root.children.some((c, i) => c.key === null && c.value === 'Data' && /^====/.test(root.children[i + 1]?.value ?? ''));

export function describeSecret(root: DescribeNode): Raw {
  const start = root.children.findIndex((c) => c.key === null && c.value === 'Data');
  const keys = root.children.slice(start + 1).filter((c) => c.key !== null && /^\d+ bytes$/.test(c.value)).map((c) => c.key!);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: present(childValue(root, 'Type')),
    metadata: { name: childValue(root, 'Name'), namespace: present(childValue(root, 'Namespace')), labels: labelMap(child(root, 'Labels')) },
    // Keys only: a snapshot never holds a secret's values, and describe never printed them.
    data: Object.fromEntries(keys.map((k) => [k, ''])),
  };
}
