import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { quotaFromTable } from './describe-resource-quota.js';
import { labelMap } from './describe-values.js';

/**
 * `kubectl describe namespace` → the Namespace and its ResourceQuotas (describe.go
 * describeNamespace): under `Resource Quotas`, each quota's `Name:` and its `Resource Used Hard`
 * table, which say whether the namespace has room for one more pod.
 */
type Raw = Record<string, unknown>;

const section = (root: DescribeNode, heading: string) => root.children.find((c) => c.key === null && c.value === heading);

export const isNamespaceDescribe = (root: DescribeNode): boolean =>
  ['Resource Quotas', 'No resource quota.', 'Resource Limits', 'No LimitRange resource.'].some((h) => section(root, h) !== undefined);

export function describeNamespace(root: DescribeNode): Raw[] {
  const name = childValue(root, 'Name');
  const quotas: Raw[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const flush = () => {
    if (current) quotas.push(quotaFromTable(current.name, name, current.lines));
  };
  for (const line of section(root, 'Resource Quotas')?.children ?? []) {
    if (line.key === 'Name') {
      flush();
      current = { name: line.value, lines: [] };
    } else current?.lines.push(line.raw);
  }
  flush();
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: labelMap(child(root, 'Labels')) }, status: { phase: childValue(root, 'Status') } };
  return [namespace, ...quotas];
}
