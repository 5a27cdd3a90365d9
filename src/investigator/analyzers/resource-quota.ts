import type { EvidenceItem, ResourceRef } from '../../domain/diagnosis.js';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { eventEvidence, fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';

import { QUOTA_MESSAGE } from './workload-status.js';

/**
 * ResourceQuota: controllers whose pod creation is refused with
 * `pods "x" is forbidden: exceeded quota: compute-quota, requested: requests.memory=2Gi, used: requests.memory=7Gi, limited: requests.memory=8Gi`.
 */
const QUOTA_DETAIL = /exceeded quota: ([\w.-]+), requested: (.+?), used: (.+?), limited: (.+?)$/;

export function quotaFindingFromMessage(ref: ResourceRef, message: string, evidence: EvidenceItem, workload: string, ctx?: AnalysisContext): AnalyzerFinding {
  const m = QUOTA_DETAIL.exec(message.trim());
  const quota = m?.[1];
  const extra: EvidenceItem[] = [];
  const q = quota && ctx ? ctx.snapshot.resourceQuotas.find((r) => r.metadata?.name === quota && (r.metadata?.namespace ?? '') === (ref.namespace ?? '')) : undefined;
  if (q) {
    const quotaRef = refOf(q, 'ResourceQuota');
    for (const [res, hard] of Object.entries(q.status?.hard ?? {})) extra.push(fieldEvidence(quotaRef, `status.used/hard.${res}`, `${q.status?.used?.[res] ?? '?'}/${hard}`));
  }
  return makeFinding({
    type: 'resource_quota_exceeded',
    subject: ref,
    summary: m
      ? `${ref.kind} ${ref.name} cannot create pods: ResourceQuota ${quota} exceeded (requested ${m[2]}, used ${m[3]}, limited ${m[4]}).`
      : `${ref.kind} ${ref.name} cannot create pods: a ResourceQuota is exceeded.`,
    confidence: m ? 0.95 : 0.85,
    evidence: [evidence, ...extra.slice(0, 4)],
    affected: [ref, ...(q ? [refOf(q, 'ResourceQuota')] : [])],
    facts: { workload, ...(quota ? { quota } : {}) },
  });
}

type Owner = { kind: 'ReplicaSet' | 'Job' | 'StatefulSet' | 'DaemonSet'; metadata?: { name?: string; namespace?: string } | undefined };

export const resourceQuotaAnalyzer: Analyzer = {
  kind: 'ResourceQuota',
  analyze: (ctx) => {
    const owners: Owner[] = [
      ...ctx.scope.replicaSets.filter((rs) => (rs.spec?.replicas ?? 0) > 0).map((o) => ({ kind: 'ReplicaSet' as const, metadata: o.metadata })),
      ...ctx.scope.jobs.map((o) => ({ kind: 'Job' as const, metadata: o.metadata })),
      ...ctx.scope.statefulSets.map((o) => ({ kind: 'StatefulSet' as const, metadata: o.metadata })),
      ...ctx.scope.daemonSets.map((o) => ({ kind: 'DaemonSet' as const, metadata: o.metadata })),
    ];
    const findings: AnalyzerFinding[] = [];
    for (const o of owners) {
      const ref = refOf(o, o.kind);
      const ev = [...ctx.cluster.eventsFor(o.kind, ref.namespace, ref.name)].reverse().find((e) => e.reason === 'FailedCreate' && QUOTA_MESSAGE.test(e.message ?? ''));
      if (!ev) continue;
      const top = ctx.cluster.workloadOf(ref);
      findings.push(quotaFindingFromMessage(ref, ev.message ?? '', eventEvidence(ref, ev), `${top.kind.toLowerCase()}/${top.name}`, ctx));
    }
    return findings;
  },
};
