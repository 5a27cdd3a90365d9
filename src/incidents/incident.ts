import type { Diagnosis, Remediation, ResourceRef, RootCauseType } from '../domain/diagnosis.js';

/**
 * The incident record: one distinct problem (namespace + workload or resource + root-cause type),
 * remembered across runs. Every run that diagnoses it again bumps `occurrences` and `lastSeen`.
 */
export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Incident {
  id: string;
  fingerprint: string;
  namespace: string | null;
  /** The registered cluster it happened in; null: the default cluster. */
  cluster: string | null;
  title: string;
  status: IncidentStatus;
  rootCauseType: RootCauseType;
  summary: string;
  confidence: number;
  /** What was observed (the findings the root cause explains), one line each. */
  symptoms: string[];
  affectedResources: ResourceRef[];
  remediation: Remediation;
  occurrences: number;
  firstSeen: Date;
  lastSeen: Date;
  resolvedAt: Date | null;
  lastRunId: string | null;
  /** From the diagnosis (database, connectivity, …) and by hand. */
  tags: string[];
  /** Feedback: the fix was applied and worked (true), did not work (false), or nobody said (null). */
  remediationVerified: boolean | null;
  /** Feedback: the root cause was right (true), wrong (false), or nobody said (null). */
  rootCauseCorrect: boolean | null;
  /** What feedback said was applied; null until someone says. */
  lastFix: string | null;
  lastFixAt: Date | null;
  /** Runs that saw it within the recurrence window (RECURRENCE_WINDOW_DAYS). */
  recentOccurrences: number;
}

/** "The same root cause on the same workload again within a window" counts as a recurrence. */
export const RECURRENCE_WINDOW_DAYS = 7;

/** What the report step knows about the problem: the reviewed diagnosis and what it was about. */
export interface IncidentObservation {
  runId: string;
  namespace: string | null;
  /** The workload (or the resource) the question was about, e.g. Deployment/auth-service. */
  subject: ResourceRef;
  diagnosis: Diagnosis;
  /**
   * The raw evidence lines that tell this incident apart (src/investigator/memory-lines.ts):
   * remembered, masked, with the diagnosis.
   */
  evidence?: readonly string[];
}

/** Same namespace, same workload or resource, same root-cause type → same incident. */
export function incidentFingerprint(o: Pick<IncidentObservation, 'namespace' | 'subject' | 'diagnosis'>): string {
  return [o.namespace ?? '-', `${o.subject.kind}/${o.subject.name}`, o.diagnosis.root_cause.type].join('|');
}

export function incidentTitle(o: Pick<IncidentObservation, 'subject' | 'diagnosis' | 'namespace'>): string {
  const where = o.namespace ? ` in ${o.namespace}` : '';
  return `${o.diagnosis.root_cause.type.replace(/_/g, ' ')}: ${o.subject.kind.toLowerCase()} ${o.subject.name}${where}`;
}

/** The findings after the root cause are its symptoms (the crash loop the missing database explains). */
export function symptomsOf(d: Diagnosis): string[] {
  return d.findings.slice(1, 11).map((f) => `${f.type}: ${f.summary}`.slice(0, 500));
}

const TYPE_TAGS: Partial<Record<RootCauseType, string[]>> = {
  oom_killed: ['memory', 'resources'],
  cpu_throttling: ['cpu', 'resources'],
  crash_loop: ['crash'],
  missing_configuration: ['configuration'],
  container_config_error: ['configuration'],
  dependency_unreachable: ['connectivity', 'missing-dependency'],
  dependency_slow: ['connectivity', 'latency'],
  service_no_endpoints: ['connectivity', 'missing-dependency'],
  dns_resolution_failure: ['connectivity', 'dns'],
  network_policy_blocked: ['connectivity', 'network-policy'],
  ingress_misconfigured: ['connectivity', 'ingress'],
  tls_certificate_error: ['tls'],
  permission_denied: ['permissions'],
  rbac_forbidden: ['permissions', 'rbac'],
  missing_service_account: ['permissions'],
  image_pull_error: ['image'],
  volume_mount_failure: ['storage'],
  unschedulable_pvc: ['storage', 'scheduling'],
  pvc_provisioning_failure: ['storage'],
  unschedulable_insufficient_resources: ['scheduling', 'resources'],
  unschedulable_node_selector: ['scheduling'],
  unschedulable_taint: ['scheduling'],
  unschedulable_affinity: ['scheduling'],
  node_capacity_exhausted: ['scheduling', 'node'],
  node_not_ready: ['node'],
  node_pressure: ['node'],
  evicted: ['node', 'resources'],
  probe_failure: ['probes'],
  resource_quota_exceeded: ['quota'],
  admission_rejected: ['admission'],
  security_context_rejected: ['admission', 'security'],
  rollout_stuck: ['rollout'],
  job_failed: ['jobs'],
  hpa_not_scaling: ['autoscaling'],
};

const DATABASES = /\b(postgres(ql)?|mysql|mariadb|mongo(db)?|redis|cassandra|elasticsearch|etcd|db)\b/i;

/** Tags a diagnosis earns: from its root-cause type, and `database` when a database is involved. */
export function diagnosisTags(d: Diagnosis): string[] {
  const tags = new Set(TYPE_TAGS[d.root_cause.type] ?? []);
  const about = [d.root_cause.summary, ...d.affected_resources.map((r) => r.name)].join(' ');
  if (DATABASES.test(about)) tags.add('database');
  return [...tags].sort();
}

/** A tag: lower-case words joined by dashes, at most 40 characters. */
export const TAG_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
