import type { CoreV1Event } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import type { AnalyzerFinding } from './analyzer.js';
import { eventEvidence, fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';

/**
 * Shared by the Deployment / StatefulSet / DaemonSet / ReplicaSet analyzers: fewer ready replicas
 * than desired is a symptom (weak; the pods usually say why), a controller that cannot create
 * pods is a cause.
 */
export const QUOTA_MESSAGE = /exceeded quota/;

export function replicaShortfall(ref: ResourceRef, desired: number, ready: number, path: string): AnalyzerFinding | undefined {
  if (desired <= 0 || ready >= desired) return undefined;
  return makeFinding({
    type: 'rollout_stuck',
    subject: ref,
    summary: `${ref.kind} ${ref.name} has ${ready}/${desired} replicas ready.`,
    confidence: 0.5,
    evidence: [fieldEvidence(ref, path, `${ready}/${desired}`)],
    facts: { workload: `${ref.kind.toLowerCase()}/${ref.name}` },
  });
}

const SERVICE_ACCOUNT_MISSING = /serviceaccount "([^"]+)" not found/;

/** FailedCreate events other than quota (the ResourceQuota analyzer owns those). */
export function failedCreate(ref: ResourceRef, events: readonly CoreV1Event[], workload: string): AnalyzerFinding | undefined {
  const ev = [...events].reverse().find((e) => e.reason === 'FailedCreate' && !QUOTA_MESSAGE.test(e.message ?? ''));
  if (!ev) return undefined;
  const message = ev.message ?? '';
  const sa = SERVICE_ACCOUNT_MISSING.exec(message)?.[1];
  return makeFinding({
    type: sa ? 'container_config_error' : 'rollout_stuck',
    subject: ref,
    summary: sa
      ? `${ref.kind} ${ref.name} cannot create pods: service account ${sa} does not exist.`
      : `${ref.kind} ${ref.name} cannot create pods: ${message}`,
    confidence: sa ? 0.93 : 0.8,
    evidence: [eventEvidence(ref, ev)],
    facts: { workload },
  });
}
