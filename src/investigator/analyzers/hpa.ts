import type { V1HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { EvidenceItem } from '../../domain/diagnosis.js';
import { refOf } from '../evidence/relations.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { eventEvidence, fieldEvidence, latestEvent } from './evidence.js';
import { makeFinding } from './finding.js';
import { SnapshotIndex } from './snapshot-index.js';

/**
 * HPA: cannot fetch metrics (ScalingActive=False), cannot scale its target (AbleToScale=False,
 * target missing), or pinned at maxReplicas while it wants more (ScalingLimited / TooManyReplicas).
 */
interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** Conditions from the autoscaling/v2 object, else the v1 annotation that carries them. */
function conditionsOf(ctx: AnalysisContext, hpa: V1HorizontalPodAutoscaler): Condition[] {
  const v2 = (ctx.snapshot.horizontalPodAutoscalersV2 ?? []).find(
    (h) => h.metadata?.name === hpa.metadata?.name && h.metadata?.namespace === hpa.metadata?.namespace,
  );
  if (v2?.status?.conditions) return v2.status.conditions;
  const raw = hpa.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Condition[]) : [];
  } catch {
    return [];
  }
}

const METRIC_EVENTS = ['FailedGetResourceMetric', 'FailedComputeMetricsReplicas', 'FailedGetPodsMetric', 'FailedGetExternalMetric', 'FailedGetObjectMetric', 'FailedGetScale'];

export function analyzeHpa(ctx: AnalysisContext, hpa: V1HorizontalPodAutoscaler): AnalyzerFinding[] {
  const ref = refOf(hpa, 'HorizontalPodAutoscaler');
  const target = hpa.spec?.scaleTargetRef;
  const facts = { hpa: ref.name, ...(target ? { workload: `${target.kind.toLowerCase()}/${target.name}` } : {}) };
  const make = (summary: string, confidence: number, evidence: EvidenceItem[]) =>
    [makeFinding({ type: 'hpa_not_scaling', subject: ref, summary, confidence, evidence, facts })];
  const conditions = conditionsOf(ctx, hpa);
  const cond = (type: string) => conditions.find((c) => c.type === type);
  const condEvidence = (c: Condition) => [fieldEvidence(ref, `status.conditions[${c.type}].reason`, `${c.status} ${c.reason ?? ''}`.trim()), ...(c.message ? [fieldEvidence(ref, `status.conditions[${c.type}].message`, c.message)] : [])];

  const able = cond('AbleToScale');
  if (able?.status === 'False') return make(`HPA ${ref.name} cannot scale ${target?.kind ?? ''} ${target?.name ?? ''}: ${able.message ?? able.reason ?? ''}`, 0.9, condEvidence(able));
  if (target && target.kind === 'Deployment' && ctx.snapshot.deployments.length > 0 && !SnapshotIndex.find(ctx.index.deployments, ref.namespace, target.name)) {
    return make(`HPA ${ref.name} targets deployment ${target.name}, which does not exist.`, 0.88, [fieldEvidence(ref, 'spec.scaleTargetRef.name', target.name)]);
  }
  const active = cond('ScalingActive');
  if (active?.status === 'False') {
    const metrics = /unable to (?:get|fetch) metrics|metrics API|missing request for/i.test(active.message ?? '');
    return make(`HPA ${ref.name} is not scaling: ${metrics ? 'it cannot fetch metrics' : 'scaling is inactive'} (${active.reason ?? ''}): ${active.message ?? ''}`, 0.92, condEvidence(active));
  }
  const ev = latestEvent(ctx.index.eventsFor('HorizontalPodAutoscaler', ref.namespace, ref.name), METRIC_EVENTS);
  if (ev && conditions.length === 0) return make(`HPA ${ref.name} is not scaling: ${ev.reason}: ${ev.message ?? ''}`, 0.85, [eventEvidence(ref, ev)]);
  const max = hpa.spec?.maxReplicas ?? 0;
  const current = hpa.status?.currentReplicas ?? 0;
  const limited = cond('ScalingLimited');
  const wantsMore = limited?.status === 'True' && limited.reason === 'TooManyReplicas';
  const hot = (hpa.status?.currentCPUUtilizationPercentage ?? 0) > (hpa.spec?.targetCPUUtilizationPercentage ?? Infinity);
  if (max > 0 && current >= max && (wantsMore || hot)) {
    return make(`HPA ${ref.name} is at its maximum of ${max} replicas and wants more${hot ? ` (CPU ${hpa.status?.currentCPUUtilizationPercentage}% vs target ${hpa.spec?.targetCPUUtilizationPercentage}%)` : ''}.`, 0.75,
      [fieldEvidence(ref, 'status.currentReplicas/spec.maxReplicas', `${current}/${max}`), ...(limited ? condEvidence(limited) : [])]);
  }
  return [];
}

export const hpaAnalyzer: Analyzer = {
  kind: 'HorizontalPodAutoscaler',
  analyze: (ctx) => ctx.scope.horizontalPodAutoscalers.flatMap((h) => analyzeHpa(ctx, h)),
};
