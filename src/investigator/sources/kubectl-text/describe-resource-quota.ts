import type { DescribeNode } from './describe-tree.js';
import { childValue, parseTable, sectionLines } from './describe-tree.js';
import { present } from './describe-values.js';

/**
 * `kubectl describe quota` → V1ResourceQuota (describe.go describeQuota): a `Resource Used Hard`
 * table under the name. `kubectl describe namespace` prints the same table per quota under
 * `Resource Quotas` (describe-namespace.ts).
 */
type Raw = Record<string, unknown>;

export const QUOTA_HEADER = /^\s*Resource\s+Used\s+Hard\s*$/;

/** The quota of `name` from its table lines (header, rule, one row per resource). */
export function quotaFromTable(name: string | undefined, namespace: string | undefined, lines: string[]): Raw {
  const start = lines.findIndex((l) => QUOTA_HEADER.test(l));
  const hard: Record<string, string> = {};
  const used: Record<string, string> = {};
  for (const row of start < 0 ? [] : parseTable(lines.slice(start))) {
    if (!row.Resource) continue;
    if (row.Hard) hard[row.Resource] = row.Hard;
    if (row.Used) used[row.Resource] = row.Used;
  }
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { hard }, status: { hard, used } };
}

export function describeResourceQuota(root: DescribeNode): Raw {
  return quotaFromTable(childValue(root, 'Name'), present(childValue(root, 'Namespace')), sectionLines(root));
}
