import { createHash } from 'node:crypto';

/**
 * One alert, whatever sent it: what Syntra decides on, deduplicates and investigates. The
 * target comes from the standard kube-state-metrics labels (pod, deployment, statefulset,
 * daemonset, job_name, cronjob, persistentvolumeclaim, node); `job` is Prometheus' scrape job
 * (e.g. "kube-state-metrics"), not a Kubernetes Job, so it stays context only.
 */
export type AlertSource = 'alertmanager' | 'generic';
export type AlertStatus = 'firing' | 'resolved';

export interface AlertTarget {
  kind: string;
  name: string;
  /** A pod's container, when the alert names one. */
  container?: string;
}

export interface NormalizedAlert {
  source: AlertSource;
  fingerprint: string;
  status: AlertStatus;
  alertname: string;
  severity: string | null;
  namespace: string | null;
  /** The registered cluster named by the `cluster` label; null: the default cluster. Set by ingest. */
  cluster: string | null;
  target: AlertTarget | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date | null;
  endsAt: Date | null;
}

/** Label → kind, most specific first: a pod alert names its deployment too only by owner. */
const TARGET_LABELS: ReadonlyArray<[label: string, kind: string]> = [
  ['pod', 'Pod'],
  ['deployment', 'Deployment'],
  ['statefulset', 'StatefulSet'],
  ['daemonset', 'DaemonSet'],
  ['job_name', 'Job'],
  ['cronjob', 'CronJob'],
  ['horizontalpodautoscaler', 'HorizontalPodAutoscaler'],
  ['persistentvolumeclaim', 'PersistentVolumeClaim'],
  ['node', 'Node'],
];

export function targetFromLabels(labels: Record<string, string>): AlertTarget | null {
  for (const [label, kind] of TARGET_LABELS) {
    const name = labels[label]?.trim();
    if (name) return { kind, name, ...(kind === 'Pod' && labels.container ? { container: labels.container } : {}) };
  }
  return null;
}

/**
 * Which workload a target belongs to, for grouping: pods of one Deployment (name-<rs hash>-<5>)
 * or StatefulSet/DaemonSet/Job (name-<suffix>) are one target, so a group notification about
 * five crashing replicas starts one investigation, not five. A name that fits no pattern is its own group.
 */
export function groupKey(a: Pick<NormalizedAlert, 'namespace' | 'target' | 'fingerprint'> & { cluster?: string | null }): string {
  const where = `${a.cluster ? `${a.cluster}/` : ''}${a.namespace ?? '-'}`;
  if (!a.target) return `${where}|fingerprint/${a.fingerprint}`;
  let name = a.target.name;
  if (a.target.kind === 'Pod') {
    const deployment = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(name);
    const ordinal = /^(.+)-\d+$/.exec(name);
    const single = /^(.+)-[a-z0-9]{5}$/.exec(name);
    name = deployment?.[1] ?? ordinal?.[1] ?? single?.[1] ?? name;
  }
  return `${where}|workload/${name}`;
}

/** For senders without one (the generic webhook): stable over the identifying labels. */
export function computeFingerprint(alertname: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify([alertname, sorted])).digest('hex').slice(0, 16);
}

/** The question the investigation answers; the planner reads the namespace and pod given beside it. */
export function investigationPrompt(a: NormalizedAlert): string {
  const where = a.namespace ? ` in namespace ${a.namespace}` : '';
  const what = a.target ? ` for ${a.target.kind.toLowerCase()} ${a.target.name}` : '';
  const summary = a.annotations.summary ?? a.annotations.description ?? a.annotations.message ?? '';
  return `Investigate why alert ${a.alertname}${a.severity ? ` (${a.severity})` : ''} is firing${what}${where}.${summary ? ` ${summary}` : ''}`.slice(0, 4000);
}
