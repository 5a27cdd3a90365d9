import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { labelMap, present } from './describe-values.js';

/**
 * `kubectl describe configmap` → the ConfigMap's keys (describe.go describeConfigMap): under
 * `Data` / `====`, each key is printed as `key:` over a `----` rule, its value below as it is;
 * under `BinaryData`, `key: N bytes`. Only the keys are kept (a snapshot never holds values): a
 * `configmap key not found` is answered from them.
 */
type Raw = Record<string, unknown>;

export const isConfigMapDescribe = (root: DescribeNode): boolean =>
  root.children.some((c, i) => c.key === null && c.value === 'Data' && /^====/.test(root.children[i + 1]?.value ?? ''));

export function describeConfigMap(root: DescribeNode): Raw {
  const lines = root.children;
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  let into: Record<string, string> | undefined;
  for (const [i, line] of lines.entries()) {
    if (line.key === null && line.value === 'Data') into = data;
    else if (line.key === null && line.value === 'BinaryData') into = binaryData;
    else if (line.key === 'Events') into = undefined;
    else if (into === data && line.indent === 0 && /:$/.test(line.raw.trimEnd()) && /^-{4}$/.test(lines[i + 1]?.value ?? '')) data[line.raw.trimEnd().slice(0, -1)] = '';
    else if (into === binaryData && line.key !== null && /^\d+ bytes$/.test(line.value)) binaryData[line.key] = '';
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: childValue(root, 'Name'), namespace: present(childValue(root, 'Namespace')), labels: labelMap(child(root, 'Labels')) },
    data,
    binaryData,
  };
}
