import { kindSpec } from '../../cluster/kinds.js';
import type { DescribeNode } from './describe-tree.js';
import { child, childValue, parseDescribeTree, parseTable, sectionLines, splitDescribeDocuments } from './describe-tree.js';
import { cutEvents, describeEvents, eventsFromLines } from './describe-events.js';
import { describeConfigMap, isConfigMapDescribe } from './describe-configmap.js';
import { describeEndpoints } from './describe-endpoints.js';
import { describeIngress } from './describe-ingress.js';
import { describeNamespace, isNamespaceDescribe } from './describe-namespace.js';
import { describeNetworkPolicy } from './describe-network-policy.js';
import { describeNode } from './describe-node.js';
import { describePersistentVolume } from './describe-persistent-volume.js';
import { describePod } from './describe-pod.js';
import { QUOTA_HEADER, describeResourceQuota } from './describe-resource-quota.js';
import { describeSecret, isSecretDescribe } from './describe-secret.js';
import { describeService } from './describe-service.js';
import { describeStorageClass } from './describe-storage-class.js';
import { describePersistentVolumeClaim } from './describe-storage.js';
import { describeCronJob, describeDaemonSet, describeDeployment, describeJob, describeReplicaSet, describeStatefulSet } from './describe-workloads.js';
import { annotationMap, kubectlTime, labelMap, present } from './describe-values.js';

/**
 * `kubectl describe <kind> …` text (one or several objects) → wire JSON objects plus the events
 * of their Events tables. Describe output does not name its kind: each row of DESCRIBERS knows the
 * fields its kind prints; the command that printed the text (when pasted with it) decides when
 * the fields do not. A kind without a field parser still gives its name, labels and events.
 */
type Raw = Record<string, unknown>;

interface Describer {
  kind: string;
  recognize(root: DescribeNode): boolean;
  parse?(root: DescribeNode, events: Raw[]): Raw[];
}

const has = (root: DescribeNode, ...keys: string[]) => keys.every((k) => child(root, k) !== undefined);
const replicas = (root: DescribeNode) => childValue(root, 'Replicas') ?? '';

/** Conditions tables (HPA, workloads): Type Status Reason Message. */
const conditionRows = (root: DescribeNode): Raw[] =>
  parseTable(sectionLines(child(root, 'Conditions'))).map((r) => ({ type: r.Type, status: r.Status, ...(r.Reason ? { reason: r.Reason } : {}), ...(r.Message ? { message: r.Message } : {}) }));

/** An Event printed by `kubectl describe event NAME`. */
function describeEvent(root: DescribeNode): Raw[] {
  const involved = child(root, 'Involved Object');
  return [{
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: childValue(root, 'Name'), namespace: present(childValue(root, 'Namespace')) },
    involvedObject: { kind: childValue(involved, 'Kind'), name: childValue(involved, 'Name'), namespace: present(childValue(involved, 'Namespace')), ...(present(childValue(involved, 'Field Path')) ? { fieldPath: childValue(involved, 'Field Path') } : {}) },
    type: childValue(root, 'Type'),
    reason: childValue(root, 'Reason'),
    message: childValue(root, 'Message'),
    count: Number(childValue(root, 'Count') ?? 1),
    firstTimestamp: kubectlTime(childValue(root, 'First Timestamp')) ?? present(childValue(root, 'First Timestamp')),
    lastTimestamp: kubectlTime(childValue(root, 'Last Timestamp')) ?? present(childValue(root, 'Last Timestamp')),
    eventTime: null,
  }];
}

function describeHpa(root: DescribeNode): Raw[] {
  const [kind, name] = (childValue(root, 'Reference') ?? '').split('/');
  return [{
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: childValue(root, 'Name'), namespace: present(childValue(root, 'Namespace')), labels: labelMap(child(root, 'Labels')) },
    spec: { scaleTargetRef: { kind, name }, minReplicas: Number(childValue(root, 'Min replicas') ?? 1), maxReplicas: Number(childValue(root, 'Max replicas') ?? 0) },
    status: { conditions: conditionRows(root) },
  }];
}

const POD_STATUS = /^(?:Pending|Running|Succeeded|Failed|Unknown)$/;

/** The order matters: the first row whose fields fit decides. */
const DESCRIBERS: readonly Describer[] = [
  { kind: 'Event', recognize: (r) => has(r, 'Involved Object') && has(r, 'Message'), parse: describeEvent },
  { kind: 'HorizontalPodAutoscaler', recognize: (r) => has(r, 'Reference') && (has(r, 'Min replicas') || has(r, 'Max replicas')), parse: describeHpa },
  // `2 desired | 2 updated | …`; a StatefulSet prints `2 desired | 2 total`.
  { kind: 'Deployment', recognize: (r) => has(r, 'StrategyType') || /\d+ desired \| \d+ updated/.test(replicas(r)), parse: (r) => [describeDeployment(r)] },
  { kind: 'DaemonSet', recognize: (r) => has(r, 'Desired Number of Nodes Scheduled'), parse: (r) => [describeDaemonSet(r)] },
  { kind: 'StatefulSet', recognize: (r) => has(r, 'Update Strategy') && (has(r, 'Volume Claims') || /\d+ desired \| \d+ total/.test(replicas(r))), parse: (r) => [describeStatefulSet(r)] },
  { kind: 'ReplicaSet', recognize: (r) => /\d+ current \/ \d+ desired/.test(replicas(r)) || has(r, 'Pods Status'), parse: (r) => [describeReplicaSet(r)] },
  { kind: 'CronJob', recognize: (r) => has(r, 'Schedule') && (has(r, 'Concurrency Policy') || has(r, 'Suspend')), parse: (r) => [describeCronJob(r)] },
  { kind: 'Job', recognize: (r) => has(r, 'Pods Statuses') || has(r, 'Completions', 'Parallelism'), parse: (r, events) => [describeJob(r, events)] },
  { kind: 'Pod', recognize: (r) => has(r, 'Containers') && !has(r, 'Pod Template'), parse: (r) => [describePod(r)] },
  { kind: 'Node', recognize: (r) => has(r, 'Roles') || has(r, 'System Info') || has(r, 'Allocatable'), parse: (r) => [describeNode(r)] },
  { kind: 'PersistentVolume', recognize: (r) => has(r, 'Reclaim Policy') || (has(r, 'Claim', 'StorageClass') && has(r, 'Source')), parse: (r) => [describePersistentVolume(r)] },
  { kind: 'StorageClass', recognize: (r) => has(r, 'Provisioner') && (has(r, 'ReclaimPolicy') || has(r, 'IsDefaultClass')), parse: (r) => [describeStorageClass(r)] },
  { kind: 'PersistentVolumeClaim', recognize: (r) => has(r, 'StorageClass', 'Access Modes') || has(r, 'StorageClass', 'VolumeMode'), parse: (r) => [describePersistentVolumeClaim(r)] },
  { kind: 'Ingress', recognize: (r) => has(r, 'Rules') || has(r, 'Default backend') || has(r, 'Ingress Class'), parse: (r) => [describeIngress(r)] },
  { kind: 'NetworkPolicy', recognize: (r) => child(child(r, 'Spec'), 'PodSelector') !== undefined, parse: (r) => [describeNetworkPolicy(r)] },
  { kind: 'Namespace', recognize: isNamespaceDescribe, parse: describeNamespace },
  { kind: 'ResourceQuota', recognize: (r) => r.children.some((c) => c.key === null && QUOTA_HEADER.test(c.raw)), parse: (r) => [describeResourceQuota(r)] },
  { kind: 'Secret', recognize: isSecretDescribe, parse: (r) => [describeSecret(r)] },
  { kind: 'ConfigMap', recognize: isConfigMapDescribe, parse: (r) => [describeConfigMap(r)] },
  // Only a service prints TargetPort (a grep of its describe keeps it beside Selector and Endpoints).
  { kind: 'Service', recognize: (r) => (has(r, 'Type') && (has(r, 'Endpoints') || has(r, 'IP Families') || has(r, 'Session Affinity') || has(r, 'Port'))) || has(r, 'TargetPort'), parse: (r) => describeService(r) },
  { kind: 'Endpoints', recognize: (r) => has(r, 'Subsets'), parse: (r) => [describeEndpoints(r)] },
  // A pod's describe cut above its containers (an evicted pod's `Status: Failed`, `Reason:
  // Evicted`, `Message:`) is still a pod: of the kinds left, only pods print a phase, a start time
  // or a QoS class.
  { kind: 'Pod', recognize: (r) => !has(r, 'Pod Template') && (has(r, 'Start Time') || has(r, 'QoS Class') || POD_STATUS.test(childValue(r, 'Status') ?? '')), parse: (r) => [describePod(r)] },
];

/** Name, namespace, labels and annotations: what every describe document prints first. */
function stubObject(kind: string, root: DescribeNode): Raw {
  const spec = kindSpec(kind);
  return {
    apiVersion: spec?.apiVersion ?? 'v1',
    kind,
    metadata: {
      name: childValue(root, 'Name'),
      ...(spec?.namespaced === false ? {} : { namespace: present(childValue(root, 'Namespace')) }),
      labels: labelMap(child(root, 'Labels')),
      annotations: annotationMap(child(root, 'Annotations')),
    },
  };
}

/**
 * The component that reported a describe's events knows what kind of object it was about: a
 * describe cut to its Name and Events (its fields gone) is still that object.
 */
const REPORTED_BY: Readonly<Record<string, string>> = {
  'persistentvolume-controller': 'PersistentVolumeClaim',
  'deployment-controller': 'Deployment',
  'replicaset-controller': 'ReplicaSet',
  'statefulset-controller': 'StatefulSet',
  'daemonset-controller': 'DaemonSet',
  'job-controller': 'Job',
  'cronjob-controller': 'CronJob',
  'horizontal-pod-autoscaler': 'HorizontalPodAutoscaler',
  'default-scheduler': 'Pod',
};

function kindFromEvents(eventLines: string[], now: Date): string | undefined {
  const components = describeEvents(eventLines, { kind: '', name: '' }, now).map((e) => ((e.source ?? {}) as Raw).component);
  const kinds = new Set(components.map((c) => (typeof c === 'string' ? REPORTED_BY[c] : undefined)).filter((k): k is string => k !== undefined));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

export interface DescribeResult {
  objects: Raw[];
  /** Documents whose kind was not recognized (their first line). */
  unrecognized: string[];
}

/**
 * `kindHint`: the kind the pasted command named (`kubectl describe ingress x`), used when the
 * printed fields do not say.
 */
export function parseDescribe(text: string, now: Date = new Date(), kindHint?: string): DescribeResult {
  const result: DescribeResult = { objects: [], unrecognized: [] };
  for (const doc of splitDescribeDocuments(text)) {
    const { body, eventLines } = cutEvents(doc);
    const root = parseDescribeTree(body);
    const byFields = DESCRIBERS.find((d) => d.recognize(root));
    const describer = byFields ?? DESCRIBERS.find((d) => d.kind === kindHint);
    const name = childValue(root, 'Name');
    const fromEvents = describer === undefined && !(kindHint && kindSpec(kindHint)) && name !== undefined ? kindFromEvents(eventLines, now) : undefined;
    const kind = describer?.kind ?? (kindHint && kindSpec(kindHint) ? kindHint : fromEvents);
    if (kind === undefined || name === undefined) {
      // Still worth reading: its events say what happened to something.
      const events = eventsFromLines(eventLines, now);
      if (events.length > 0) result.objects.push(...events);
      result.unrecognized.push(doc.split('\n').find((l) => l.trim() !== '') ?? '');
      continue;
    }
    const spec = kindSpec(kind);
    const namespace = spec?.namespaced === false ? undefined : present(childValue(root, 'Namespace'));
    const events = describeEvents(eventLines, { kind, name, namespace, apiVersion: spec?.apiVersion ?? 'v1' }, now);
    // Known only from its events: what the fields would have said is not there to parse.
    result.objects.push(...(describer?.parse && !fromEvents ? describer.parse(root, events) : [stubObject(kind, root)]), ...events);
  }
  return result;
}
