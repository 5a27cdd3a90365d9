/**
 * The diagnosis contract: what the investigator answers and every client (CLI --json, API,
 * reports, incident memory) relies on. Root-cause types are stable: extend, never rename.
 */
export const ROOT_CAUSE_TYPES = [
  'oom_killed',
  'crash_loop',
  'missing_configuration',
  'dependency_unreachable',
  'dns_resolution_failure',
  'tls_certificate_error',
  'permission_denied',
  'rbac_forbidden',
  'application_error',
  'bad_command',
  'image_pull_error',
  'container_config_error',
  'volume_mount_failure',
  'probe_failure',
  'unschedulable_insufficient_resources',
  'unschedulable_node_selector',
  'unschedulable_taint',
  'unschedulable_affinity',
  'unschedulable_pvc',
  'pvc_provisioning_failure',
  'resource_quota_exceeded',
  'init_container_failure',
  'evicted',
  'node_not_ready',
  'service_no_endpoints',
  'job_failed',
  'rollout_stuck',
  'hpa_not_scaling',
  'no_issue_found',
  'unknown',
  // Added with the real-world corpus (each seen in more than two real incidents).
  'dependency_slow',
  'cpu_throttling',
  'node_capacity_exhausted',
  'node_pressure',
  'ingress_misconfigured',
  'network_policy_blocked',
  'missing_service_account',
  'admission_rejected',
  'security_context_rejected',
] as const;

export type RootCauseType = (typeof ROOT_CAUSE_TYPES)[number];

export type DetectionMethod = 'rule_based' | 'log_pattern' | 'llm' | 'rule_based_fallback' | 'hybrid';

export interface ResourceRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** One piece of evidence a finding relies on, quoted exactly. */
export interface EvidenceItem {
  /** field: an object field path and value; log: a log line; event: a Kubernetes event; spec: a spec fact. */
  kind: 'field' | 'log' | 'event' | 'spec' | 'metric';
  resource?: ResourceRef;
  /** e.g. `status.containerStatuses[auth].lastState.terminated.reason`, or the container for a log. */
  path?: string;
  /** The exact text: the field value, the log line, the event message. */
  value: string;
}

export interface Remediation {
  /** What to do now (may include write commands: those are marked by `writes`). */
  immediate: string[];
  /**
   * The write commands among the immediate steps (exact kubectl commands that change the cluster).
   * An agent runs them only after explicit confirmation; absent or empty when nothing writes.
   */
  writes?: string[];
  /** Read-only kubectl commands that confirm the cause or the fix. */
  verification: string[];
  prevention: string[];
}

export interface Finding {
  type: RootCauseType;
  /** Names the concrete cause: which env var, secret, host:port, image, selector, taint, storage class. */
  summary: string;
  confidence: number;
  detection_method: DetectionMethod;
  evidence: EvidenceItem[];
  affected_resources: ResourceRef[];
  remediation: Remediation;
  /** Types of findings this one explains (the cause of those symptoms). */
  explains?: ResourceRef[];
}

/**
 * One candidate explanation, with what supports it, what speaks against it, and the read-only
 * command that would settle it. The root cause is the first hypothesis; the others are the
 * runners-up a person should rule out.
 */
export interface Hypothesis {
  type: RootCauseType;
  summary: string;
  confidence: number;
  evidence_for: EvidenceItem[];
  /** Facts that weaken it: missing evidence, a conflicting state, a healthier sibling. */
  evidence_against: string[];
  /** A read-only kubectl command whose output confirms or rules it out. */
  check: string;
}

export interface Diagnosis {
  target: ResourceRef;
  root_cause: Pick<Finding, 'type' | 'summary' | 'confidence' | 'detection_method' | 'evidence'>;
  /** All findings, ranked: the root cause first, symptoms it explains after. */
  findings: Finding[];
  /** Up to three explanations, the root cause first (absent in documents written before they existed). */
  hypotheses?: Hypothesis[];
  remediation: Remediation;
  affected_resources: ResourceRef[];
}
