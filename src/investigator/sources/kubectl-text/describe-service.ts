import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { annotationMap, labelMap, present } from './describe-values.js';

/**
 * `kubectl describe service` → a partial V1Service and its V1Endpoints. The `Endpoints:` line
 * lists ready addresses only; `<none>` gives an Endpoints object with no subsets, which is
 * exactly what an analyzer needs to see "service has no endpoints".
 */
type Raw = Record<string, unknown>;

export function describeService(root: DescribeNode): Raw[] {
  const name = childValue(root, 'Name');
  const namespace = present(childValue(root, 'Namespace'));
  const ports: Raw[] = [];
  const endpointLists: string[][] = [];
  // Port / TargetPort / NodePort / Endpoints repeat once per service port, in that order.
  for (const c of root.children) {
    if (c.key === 'Port') {
      const m = /^(?:(\S+)\s+)?(\d+)\/(\w+)$/.exec(c.value.trim());
      if (m) ports.push({ ...(m[1] && m[1] !== '<unset>' ? { name: m[1] } : {}), port: Number(m[2]), protocol: m[3] });
    } else if (c.key === 'TargetPort' && ports.length > 0) {
      const t = /^(\S+?)(?:\/\w+)?$/.exec(c.value.trim())?.[1] ?? c.value;
      ports[ports.length - 1]!.targetPort = /^\d+$/.test(t) ? Number(t) : t;
    } else if (c.key === 'NodePort' && ports.length > 0) {
      const m = /(\d+)\/\w+$/.exec(c.value);
      if (m) ports[ports.length - 1]!.nodePort = Number(m[1]);
    } else if (c.key === 'Endpoints') {
      endpointLists.push(present(c.value) ? c.value.split(',').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('+')) : []);
    }
  }
  const clusterIP = present(childValue(root, 'IP'));
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: labelMap(child(root, 'Labels')), annotations: annotationMap(child(root, 'Annotations')) },
    spec: {
      type: present(childValue(root, 'Type')),
      selector: labelMap(child(root, 'Selector')),
      ...(clusterIP ? { clusterIP, clusterIPs: [clusterIP] } : {}),
      ports,
      ...(present(childValue(root, 'Session Affinity')) ? { sessionAffinity: childValue(root, 'Session Affinity') } : {}),
    },
  };
  if (endpointLists.length === 0) return [service];
  const subsets = endpointLists
    .map((addrs, i) => {
      if (addrs.length === 0) return undefined;
      const ips = [...new Set(addrs.map((a) => a.slice(0, a.lastIndexOf(':'))))];
      const port = Number(addrs[0]!.slice(addrs[0]!.lastIndexOf(':') + 1));
      return { addresses: ips.map((ip) => ({ ip })), ports: [{ ...(ports[i]?.name ? { name: ports[i]!.name } : {}), port, protocol: ports[i]?.protocol ?? 'TCP' }] };
    })
    .filter((s) => s !== undefined);
  const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, ...(subsets.length > 0 ? { subsets } : {}) };
  return [service, endpoints];
}
