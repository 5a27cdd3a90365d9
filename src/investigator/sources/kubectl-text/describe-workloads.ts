import type { DescribeNode } from './describe-tree.js';
import { child, childValue, parseTable, sectionLines } from './describe-tree.js';
import { podSpecFrom } from './describe-pod.js';
import { annotationMap, controlledBy, kubectlTime, labelMap, present } from './describe-values.js';

/**
 * `kubectl describe deployment|replicaset|job` → partial V1Deployment / V1ReplicaSet / V1Job.
 * The three share the `Pod Template:` section and the replica counters line.
 */
type Raw = Record<string, unknown>;

function objectMeta(root: DescribeNode): Raw {
  return {
    name: childValue(root, 'Name'),
    namespace: present(childValue(root, 'Namespace')),
    creationTimestamp: kubectlTime(childValue(root, 'CreationTimestamp')),
    labels: labelMap(child(root, 'Labels')),
    annotations: annotationMap(child(root, 'Annotations')),
    ownerReferences: controlledBy(childValue(root, 'Controlled By')),
  };
}

function template(root: DescribeNode): Raw | undefined {
  const t = child(root, 'Pod Template');
  if (!t) return undefined;
  return { metadata: { labels: labelMap(child(t, 'Labels')), annotations: annotationMap(child(t, 'Annotations')) }, spec: podSpecFrom(t) };
}

/** `Selector: app=x,tier=y` → matchLabels (set-based selectors are kept out). */
function selector(root: DescribeNode): Raw | undefined {
  const labels = labelMap(child(root, 'Selector'));
  return labels ? { matchLabels: labels } : undefined;
}

const count = (text: string, label: string): number | undefined => {
  const m = new RegExp(`(\\d+) ${label}`).exec(text);
  return m ? Number(m[1]) : undefined;
};

/** Conditions tables of workloads: Type, Status, Reason. */
const conditionRows = (root: DescribeNode): Raw[] | undefined => {
  const rows = parseTable(sectionLines(child(root, 'Conditions')));
  return rows.length > 0 ? rows.map((r) => ({ type: r.Type, status: r.Status, ...(r.Reason ? { reason: r.Reason } : {}) })) : undefined;
};

export function describeDeployment(root: DescribeNode): Raw {
  // `Replicas: 3 desired | 1 updated | 4 total | 3 available | 1 unavailable`
  const replicas = childValue(root, 'Replicas') ?? '';
  const strategy = childValue(root, 'StrategyType');
  const rolling = /^(\S+) max unavailable, (\S+) max surge/.exec(childValue(root, 'RollingUpdateStrategy') ?? '');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(root),
    spec: {
      replicas: count(replicas, 'desired'),
      selector: selector(root),
      template: template(root),
      ...(strategy ? { strategy: { type: strategy, ...(rolling ? { rollingUpdate: { maxUnavailable: rolling[1], maxSurge: rolling[2] } } : {}) } } : {}),
      minReadySeconds: Number(childValue(root, 'MinReadySeconds') ?? 0),
    },
    status: {
      replicas: count(replicas, 'total'),
      updatedReplicas: count(replicas, 'updated'),
      availableReplicas: count(replicas, 'available'),
      unavailableReplicas: count(replicas, 'unavailable'),
      conditions: conditionRows(root),
    },
  };
}

export function describeReplicaSet(root: DescribeNode): Raw {
  // `Replicas: 3 current / 3 desired`; `Pods Status: 0 Running / 3 Waiting / 0 Succeeded / 0 Failed`
  const replicas = childValue(root, 'Replicas') ?? '';
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: objectMeta(root),
    spec: { replicas: count(replicas, 'desired'), selector: selector(root), template: template(root) },
    status: { replicas: count(replicas, 'current') ?? 0, readyReplicas: count(childValue(root, 'Pods Status') ?? '', 'Running'), conditions: conditionRows(root) },
  };
}

export function describeJob(root: DescribeNode, events: Raw[]): Raw {
  // `Pods Statuses: 0 Active (0 Ready) / 0 Succeeded / 3 Failed`
  const statuses = childValue(root, 'Pods Statuses') ?? '';
  // describe does not print Job conditions; the job controller's events say how it ended.
  const ending = events.find((e) => ['BackoffLimitExceeded', 'DeadlineExceeded', 'Completed'].includes(String(e.reason)));
  const condition = ending
    ? [{ type: ending.reason === 'Completed' ? 'Complete' : 'Failed', status: 'True', reason: ending.reason, message: ending.message }]
    : undefined;
  // Older kubectl printed the active pods as `Running`.
  const active = /(\d+) (?:Active|Running)(?: \((\d+) Ready\))?/.exec(statuses);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta(root),
    spec: {
      parallelism: Number(childValue(root, 'Parallelism') ?? 1),
      completions: present(childValue(root, 'Completions')) ? Number(childValue(root, 'Completions')) : undefined,
      backoffLimit: present(childValue(root, 'Backoff Limit')) ? Number(childValue(root, 'Backoff Limit')) : undefined,
      completionMode: present(childValue(root, 'Completion Mode')),
      suspend: childValue(root, 'Suspend') === 'true',
      selector: selector(root),
      template: template(root),
    },
    status: {
      startTime: kubectlTime(childValue(root, 'Start Time')),
      completionTime: kubectlTime(childValue(root, 'Completed At')),
      active: active ? Number(active[1]) : undefined,
      ready: active?.[2] !== undefined ? Number(active[2]) : undefined,
      succeeded: count(statuses, 'Succeeded'),
      failed: count(statuses, 'Failed'),
      conditions: condition,
    },
  };
}

export function describeDaemonSet(root: DescribeNode): Raw {
  const n = (label: string) => (present(childValue(root, label)) ? Number(childValue(root, label)) : undefined);
  const available = n('Number of Nodes Scheduled with Available Pods');
  const nodeSelector = labelMap(child(root, 'Node-Selector'));
  const podTemplate = template(root);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    // describe prints no Namespace for a DaemonSet (describe.go describeDaemonSet): the command's flag says it.
    metadata: objectMeta(root),
    spec: { selector: selector(root), ...(podTemplate ? { template: { ...podTemplate, spec: { ...(podTemplate.spec as Raw), ...(nodeSelector ? { nodeSelector } : {}) } } } : {}) },
    status: {
      desiredNumberScheduled: n('Desired Number of Nodes Scheduled'),
      currentNumberScheduled: n('Current Number of Nodes Scheduled'),
      updatedNumberScheduled: n('Number of Nodes Scheduled with Up-to-date Pods'),
      numberAvailable: available,
      // Ready is not printed; an available pod is a ready one, so available is what is known ready.
      numberReady: available,
      numberMisscheduled: n('Number of Nodes Misscheduled'),
    },
  };
}

/** `kubectl describe cronjob` → a partial V1CronJob: its schedule, suspension, last run and active jobs. */
export function describeCronJob(root: DescribeNode): Raw {
  const active = present(childValue(root, 'Active Jobs'))?.split(',').map((name) => ({ kind: 'Job', name: name.trim() }));
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: objectMeta(root),
    spec: {
      schedule: childValue(root, 'Schedule'),
      ...(present(childValue(root, 'Concurrency Policy')) ? { concurrencyPolicy: childValue(root, 'Concurrency Policy') } : {}),
      suspend: /^true$/i.test(childValue(root, 'Suspend') ?? ''),
    },
    status: { lastScheduleTime: kubectlTime(childValue(root, 'Last Schedule Time')), ...(active ? { active } : {}) },
  };
}

/** `Volume Claims:` → volumeClaimTemplates: each `Name:` starts one, with its StorageClass, Capacity and Access Modes. */
function volumeClaims(root: DescribeNode): Raw[] | undefined {
  const claims: Raw[] = [];
  for (const line of child(root, 'Volume Claims')?.children ?? []) {
    if (line.key === 'Name') claims.push({ metadata: { name: line.value }, spec: {} });
    const spec = claims.at(-1)?.spec as Raw | undefined;
    if (!spec) continue;
    if (line.key === 'StorageClass' && present(line.value)) spec.storageClassName = line.value;
    if (line.key === 'Capacity' && present(line.value)) spec.resources = { requests: { storage: line.value } };
    if (line.key === 'Access Modes') spec.accessModes = line.value.replace(/[[\]]/g, '').split(/[\s,]+/).filter((m) => m !== '');
  }
  return claims.length > 0 ? claims : undefined;
}

/**
 * `kubectl describe statefulset` → a partial V1StatefulSet. `Replicas: 2 desired | 2 total`; describe
 * prints no ready count, so the pods it counts `Running` stand for it (as for a ReplicaSet).
 */
export function describeStatefulSet(root: DescribeNode): Raw {
  const replicas = childValue(root, 'Replicas') ?? '';
  const claims = volumeClaims(root);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(root),
    spec: { replicas: count(replicas, 'desired'), selector: selector(root), template: template(root), ...(claims ? { volumeClaimTemplates: claims } : {}) },
    status: { replicas: count(replicas, 'total') ?? 0, readyReplicas: count(childValue(root, 'Pods Status') ?? '', 'Running'), conditions: conditionRows(root) },
  };
}
