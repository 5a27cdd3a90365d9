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
  const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    findings.push(makeFinding({
      type: 'rollout_stuck',
      subject: ref,
      summary: `Rollout of deployment ${ref.name} is stuck: ${progressing.message ?? 'progress deadline exceeded'}${failure && !failure.message ? `, because its ReplicaSet cannot create pods (ReplicaFailure: ${failure.reason ?? 'FailedCreate'}); why is in the ReplicaSet's FailedCreate event` : ''}`,
      confidence: 0.85,
      evidence: [fieldEvidence(ref, 'status.conditions[Progressing].reason', 'ProgressDeadlineExceeded'), ...(progressing.message ? [fieldEvidence(ref, 'status.conditions[Progressing].message', progressing.message)] : [])],
      facts: { workload },
    }));
  }
  if (failure?.message && QUOTA_MESSAGE.test(failure.message)) {
    // Only when no ReplicaSet event says it: the ResourceQuota analyzer reports those.
    const rsSaysIt = ctx.cluster.ownedBy<V1ReplicaSet>('Deployment', ref.namespace, ref.name).some((rs) =>
      ctx.cluster.eventsFor('ReplicaSet', ref.namespace, rs.metadata?.name ?? '').some((e) => QUOTA_MESSAGE.test(e.message ?? '')));
    if (!rsSaysIt) findings.push(quotaFindingFromMessage(ref, failure.message, fieldEvidence(ref, 'status.conditions[ReplicaFailure].message', failure.message), workload));
  } else if (failure) {
    findings.push(makeFinding({
      type: 'rollout_stuck', subject: ref,
      // `kubectl describe deployment` prints the condition's reason, not its message: the ReplicaSet's FailedCreate event holds it.
      summary: failure.message
        ? `Deployment ${ref.name} cannot create pods: ${failure.message}`
        : `Deployment ${ref.name} cannot create pods (ReplicaFailure: ${failure.reason ?? 'FailedCreate'}); why is in its ReplicaSet's FailedCreate event (kubectl describe rs of the deployment, or kubectl get events --field-selector reason=FailedCreate).`,
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
