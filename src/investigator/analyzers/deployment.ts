import type { V1ReplicaSet, V1Deployment } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { quotaFindingFromMessage } from './resource-quota.js';
import { QUOTA_MESSAGE, replicaShortfall } from './workload-status.js';

/** Deployment: progress deadline exceeded, replica failures, unavailable replicas (a symptom). */
export function analyzeDeployment(ctx: AnalysisContext, d: V1Deployment): AnalyzerFinding[] {
  const ref = refOf(d, 'Deployment');
  const workload = `deployment/${ref.name}`;
  const findings: AnalyzerFinding[] = [];
  const conditions = d.status?.conditions ?? [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    findings.push(makeFinding({
      type: 'rollout_stuck',
      subject: ref,
      summary: `Rollout of deployment ${ref.name} is stuck: ${progressing.message ?? 'progress deadline exceeded'}`,
      confidence: 0.85,
      evidence: [fieldEvidence(ref, 'status.conditions[Progressing].reason', 'ProgressDeadlineExceeded'), ...(progressing.message ? [fieldEvidence(ref, 'status.conditions[Progressing].message', progressing.message)] : [])],
      facts: { workload },
    }));
  }
  const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure?.message && QUOTA_MESSAGE.test(failure.message)) {
    // Only when no ReplicaSet event says it: the ResourceQuota analyzer reports those.
    const rsSaysIt = ctx.cluster.ownedBy<V1ReplicaSet>('Deployment', ref.namespace, ref.name).some((rs) =>
      ctx.cluster.eventsFor('ReplicaSet', ref.namespace, rs.metadata?.name ?? '').some((e) => QUOTA_MESSAGE.test(e.message ?? '')));
    if (!rsSaysIt) findings.push(quotaFindingFromMessage(ref, failure.message, fieldEvidence(ref, 'status.conditions[ReplicaFailure].message', failure.message), workload));
  } else if (failure) {
    findings.push(makeFinding({
      type: 'rollout_stuck', subject: ref, summary: `Deployment ${ref.name} cannot create pods: ${failure.message ?? failure.reason ?? ''}`,
      confidence: 0.8, evidence: [fieldEvidence(ref, 'status.conditions[ReplicaFailure].message', failure.message ?? failure.reason ?? '')], facts: { workload },
    }));
  }
  if (findings.length === 0) {
    const short = replicaShortfall(ref, d.spec?.replicas ?? 1, d.status?.availableReplicas ?? 0, 'status.availableReplicas/spec.replicas');
    if (short) findings.push(short);
  }
  return findings;
}

export const deploymentAnalyzer: Analyzer = {
  kind: 'Deployment',
  analyze: (ctx) => ctx.scope.deployments.flatMap((d) => analyzeDeployment(ctx, d)),
};
