import type { DescribeNode } from './describe-tree.js';
import { child, childValue, parseTable, sectionLines } from './describe-tree.js';
import { labelMap, present } from './describe-values.js';

/**
 * `kubectl describe endpoints` → V1Endpoints (describe.go describeEndpoints): under `Subsets:`,
 * per subset `Addresses:` (comma-joined IPs), `NotReadyAddresses:` and a `Ports:` table (Name Port
 * Protocol). `Subsets:` with nothing under it is an Endpoints object without addresses.
 */
type Raw = Record<string, unknown>;

const ips = (v: string | undefined) => (present(v) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').map((ip) => ({ ip }));

export function describeEndpoints(root: DescribeNode): Raw {
  const subsets: Raw[] = [];
  let current: { addresses: Raw[]; notReadyAddresses: Raw[]; ports: Raw[] } | undefined;
  for (const line of child(root, 'Subsets')?.children ?? []) {
    if (line.key === 'Addresses') {
      current = { addresses: ips(line.value), notReadyAddresses: [], ports: [] };
      subsets.push(current);
    } else if (line.key === 'NotReadyAddresses' && current) current.notReadyAddresses = ips(line.value);
    else if (line.key === 'Ports' && current) {
      current.ports = parseTable(sectionLines(line)).map((r) => ({ ...(present(r.Name) ? { name: r.Name } : {}), port: Number(r.Port), protocol: r.Protocol || 'TCP' }));
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: childValue(root, 'Name'), namespace: present(childValue(root, 'Namespace')), labels: labelMap(child(root, 'Labels')) },
    subsets: subsets.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => (v as unknown[]).length > 0))),
  };
}
