import type { DescribeNode } from './describe-tree.js';
import { child, childValue, parseTable, sectionLines } from './describe-tree.js';
import { containerNodes, containerSpec, containerStatus } from './describe-containers.js';
import {
  annotationMap, controlledBy, kubectlTime, labelMap, present, tolerations,
} from './describe-values.js';
import { TERMINATING_ANNOTATION } from './get-table.js';

/** `kubectl describe pod` → a partial V1Pod (wire JSON): what describe shows, nothing invented. */
type Raw = Record<string, unknown>;

/** `Volumes:` children: name → the volume source kubectl names in `Type:`. */
export function podVolumes(section: DescribeNode | undefined): Raw[] | undefined {
  if (!section) return undefined;
  const out: Raw[] = [];
  for (const v of section.children) {
    if (!v.key) continue;
    const type = childValue(v, 'Type') ?? '';
    const vol: Raw = { name: v.key };
    if (type.startsWith('PersistentVolumeClaim')) vol.persistentVolumeClaim = { claimName: childValue(v, 'ClaimName'), readOnly: childValue(v, 'ReadOnly') === 'true' };
    else if (type.startsWith('Secret')) vol.secret = { secretName: childValue(v, 'SecretName'), optional: childValue(v, 'Optional') === 'true' };
    else if (type.startsWith('ConfigMap')) vol.configMap = { name: childValue(v, 'Name'), optional: childValue(v, 'Optional') === 'true' };
    else if (type.startsWith('EmptyDir')) vol.emptyDir = {};
    else if (type.startsWith('HostPath')) vol.hostPath = { path: childValue(v, 'Path') };
    else if (type.startsWith('Projected')) vol.projected = { sources: [] };
    out.push(vol);
  }
  return out;
}

/** Shared by Pod and `Pod Template:` sections: containers, init containers, volumes, scheduling. */
export function podSpecFrom(node: DescribeNode): Raw {
  const nodeSelector = labelMap(child(node, 'Node-Selectors'));
  return {
    initContainers: containerNodes(child(node, 'Init Containers')).map(containerSpec),
    containers: containerNodes(child(node, 'Containers')).map(containerSpec),
    volumes: podVolumes(child(node, 'Volumes')),
    ...(nodeSelector ? { nodeSelector } : {}),
    tolerations: tolerations(child(node, 'Tolerations')),
    ...(present(childValue(node, 'Service Account')) ? { serviceAccountName: childValue(node, 'Service Account') } : {}),
    ...(present(childValue(node, 'Priority Class Name')) ? { priorityClassName: childValue(node, 'Priority Class Name') } : {}),
  };
}

export function describePod(root: DescribeNode): Raw {
  const nodeLine = present(childValue(root, 'Node'));
  const [nodeName, hostIP] = nodeLine ? nodeLine.split('/') : [];
  const conditions = parseTable(sectionLines(child(root, 'Conditions'))).map((r) => ({ type: r.Type, status: r.Status }));
  const statuses = containerNodes(child(root, 'Containers')).map(containerStatus).filter((s): s is Raw => s !== undefined);
  const initStatuses = containerNodes(child(root, 'Init Containers')).map(containerStatus).filter((s): s is Raw => s !== undefined);
  const statusLine = childValue(root, 'Status') ?? '';
  // `Status: Terminating (lasts 2m)` is printed for pods being deleted; the phase is not shown then.
  const phase = /^(Pending|Running|Succeeded|Failed|Unknown)$/.test(statusLine) ? statusLine : undefined;
  const priority = present(childValue(root, 'Priority'));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: childValue(root, 'Name'),
      namespace: present(childValue(root, 'Namespace')),
      labels: labelMap(child(root, 'Labels')),
      annotations: statusLine.startsWith('Terminating') ? { ...annotationMap(child(root, 'Annotations')), [TERMINATING_ANNOTATION]: 'true' } : annotationMap(child(root, 'Annotations')),
      ownerReferences: controlledBy(childValue(root, 'Controlled By')),
    },
    spec: {
      ...podSpecFrom(root),
      ...(nodeName ? { nodeName } : {}),
      ...(priority ? { priority: Number(priority) } : {}),
    },
    status: {
      phase,
      ...(present(childValue(root, 'Reason')) ? { reason: childValue(root, 'Reason') } : {}),
      ...(present(childValue(root, 'Message')) ? { message: childValue(root, 'Message') } : {}),
      ...(hostIP ? { hostIP } : {}),
      ...(present(childValue(root, 'IP')) ? { podIP: childValue(root, 'IP') } : {}),
      startTime: kubectlTime(childValue(root, 'Start Time')),
      conditions: conditions.length > 0 ? conditions : undefined,
      containerStatuses: statuses.length > 0 ? statuses : undefined,
      initContainerStatuses: initStatuses.length > 0 ? initStatuses : undefined,
      qosClass: present(childValue(root, 'QoS Class')),
    },
  };
}
