import type { V1StatefulSet } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { failedCreate, replicaShortfall } from './workload-status.js';

/** StatefulSet: missing governing service, missing storage class in claim templates, pod creation failures, unready replicas. */
export function analyzeStatefulSet(ctx: AnalysisContext, sts: V1StatefulSet): AnalyzerFinding[] {
  const ref = refOf(sts, 'StatefulSet');
  const workload = `statefulset/${ref.name}`;
  const findings: AnalyzerFinding[] = [];
  const svc = sts.spec?.serviceName;
  if (svc && ctx.snapshot.services.length > 0 && !ctx.cluster.get('Service', ref.namespace, svc)) {
    findings.push(makeFinding({
      type: 'missing_configuration', subject: ref, summary: `StatefulSet ${ref.name} names governing service ${svc}, which does not exist.`,
      confidence: 0.7, evidence: [specEvidence(ref, 'spec.serviceName', svc)], facts: { workload, service: svc },
    }));
  }
  if (ctx.snapshot.storageClasses.length > 0) {
    for (const t of sts.spec?.volumeClaimTemplates ?? []) {
      const sc = t.spec?.storageClassName;
      if (sc && !ctx.cluster.get('StorageClass', undefined, sc)) {
        findings.push(makeFinding({
          type: 'pvc_provisioning_failure', subject: ref,
          summary: `StatefulSet ${ref.name} claim template ${t.metadata?.name ?? '?'} uses storage class ${sc}, which does not exist.`,
          confidence: 0.85, evidence: [specEvidence(ref, `spec.volumeClaimTemplates[${t.metadata?.name ?? ''}].spec.storageClassName`, sc)],
          facts: { workload, storageClass: sc },
        }));
      }
    }
  }
  const created = failedCreate(ref, ctx.cluster.eventsFor('StatefulSet', ref.namespace, ref.name), workload);
  if (created) findings.push(created);
  const short = replicaShortfall(ref, sts.spec?.replicas ?? 1, sts.status?.readyReplicas ?? 0, 'status.readyReplicas/spec.replicas');
  if (short) findings.push(short);
  return findings;
}

export const statefulSetAnalyzer: Analyzer = {
  kind: 'StatefulSet',
  analyze: (ctx) => ctx.scope.statefulSets.flatMap((s) => analyzeStatefulSet(ctx, s)),
};
