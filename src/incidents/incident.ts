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
}

/** What the report step knows about the problem: the reviewed diagnosis and what it was about. */
export interface IncidentObservation {
  runId: string;
  namespace: string | null;
  /** The workload (or the resource) the question was about, e.g. Deployment/auth-service. */
  subject: ResourceRef;
  diagnosis: Diagnosis;
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
