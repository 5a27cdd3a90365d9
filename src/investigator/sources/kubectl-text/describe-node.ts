import type { DescribeNode } from './describe-tree.js';
import { child, childValue, parseTable, sectionLines } from './describe-tree.js';
import { annotationMap, kubectlTime, labelMap, present, resourceList, taints } from './describe-values.js';

/** `kubectl describe node` → a partial V1Node: taints, conditions, capacity, allocatable, info. */
type Raw = Record<string, unknown>;

const SYSTEM_INFO: Record<string, string> = {
  'Machine ID': 'machineID', 'System UUID': 'systemUUID', 'Boot ID': 'bootID', 'Kernel Version': 'kernelVersion',
  'OS Image': 'osImage', 'Operating System': 'operatingSystem', Architecture: 'architecture',
  'Container Runtime Version': 'containerRuntimeVersion', 'Kubelet Version': 'kubeletVersion', 'Kube-Proxy Version': 'kubeProxyVersion',
};

export function describeNode(root: DescribeNode): Raw {
  const conditions = parseTable(sectionLines(child(root, 'Conditions'))).map((r) => ({
    type: r.Type,
    status: r.Status,
    lastHeartbeatTime: kubectlTime(r.LastHeartbeatTime),
    lastTransitionTime: kubectlTime(r.LastTransitionTime),
    reason: r.Reason,
    message: r.Message,
  }));
  const addresses = (child(root, 'Addresses')?.children ?? []).filter((c) => c.key).map((c) => ({ type: c.key, address: c.value }));
  const info: Record<string, string> = {};
  for (const c of child(root, 'System Info')?.children ?? []) {
    const field = c.key ? SYSTEM_INFO[c.key] : undefined;
    if (field) info[field] = c.value;
  }
  const podCIDR = present(childValue(root, 'PodCIDR'));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: childValue(root, 'Name'),
      creationTimestamp: kubectlTime(childValue(root, 'CreationTimestamp')),
      labels: labelMap(child(root, 'Labels')),
      annotations: annotationMap(child(root, 'Annotations')),
    },
    spec: {
      taints: taints(child(root, 'Taints')),
      unschedulable: childValue(root, 'Unschedulable') === 'true',
      ...(podCIDR ? { podCIDR } : {}),
      ...(present(childValue(root, 'ProviderID')) ? { providerID: childValue(root, 'ProviderID') } : {}),
    },
    status: {
      conditions: conditions.length > 0 ? conditions : undefined,
      addresses: addresses.length > 0 ? addresses : undefined,
      capacity: resourceList(child(root, 'Capacity')),
      allocatable: resourceList(child(root, 'Allocatable')),
      ...(Object.keys(info).length > 0 ? { nodeInfo: info } : {}),
    },
  };
}
