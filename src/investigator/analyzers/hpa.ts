import type { V2HorizontalPodAutoscaler, V2MetricSpec, V2MetricStatus } from '@kubernetes/client-node';
import type { EvidenceItem } from '../../domain/diagnosis.js';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { eventEvidence, fieldEvidence, latestEvent } from './evidence.js';
import { makeFinding } from './finding.js';

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

/** The CPU utilization a Resource metric targets or reports. */
function cpuUtilization(metrics: readonly (V2MetricSpec | V2MetricStatus)[] | undefined, field: 'target' | 'current'): number | undefined {
  for (const m of metrics ?? []) {
    if (m.type !== 'Resource' || m.resource?.name !== 'cpu') continue;
    const value = field === 'target' ? (m as V2MetricSpec).resource?.target.averageUtilization : (m as V2MetricStatus).resource?.current.averageUtilization;
    if (typeof value === 'number') return value;
  }
  return undefined;
}

const METRIC_EVENTS = ['FailedGetResourceMetric', 'FailedComputeMetricsReplicas', 'FailedGetPodsMetric', 'FailedGetExternalMetric', 'FailedGetObjectMetric', 'FailedGetScale'];

export function analyzeHpa(ctx: AnalysisContext, hpa: V2HorizontalPodAutoscaler): AnalyzerFinding[] {
  const ref = refOf(hpa, 'HorizontalPodAutoscaler');
  const target = hpa.spec?.scaleTargetRef;
  const facts = { hpa: ref.name, ...(target ? { workload: `${target.kind.toLowerCase()}/${target.name}` } : {}) };
  const make = (summary: string, confidence: number, evidence: EvidenceItem[]) =>
    [makeFinding({ type: 'hpa_not_scaling', subject: ref, summary, confidence, evidence, facts })];
  const conditions: Condition[] = hpa.status?.conditions ?? [];
  const cond = (type: string) => conditions.find((c) => c.type === type);
  const condEvidence = (c: Condition) => [fieldEvidence(ref, `status.conditions[${c.type}].reason`, `${c.status} ${c.reason ?? ''}`.trim()), ...(c.message ? [fieldEvidence(ref, `status.conditions[${c.type}].message`, c.message)] : [])];

  const able = cond('AbleToScale');
  if (able?.status === 'False') return make(`HPA ${ref.name} cannot scale ${target?.kind ?? ''} ${target?.name ?? ''}: ${able.message ?? able.reason ?? ''}`, 0.9, condEvidence(able));
  if (target && target.kind === 'Deployment' && ctx.snapshot.deployments.length > 0 && !ctx.cluster.get('Deployment', ref.namespace, target.name)) {
    return make(`HPA ${ref.name} targets deployment ${target.name}, which does not exist.`, 0.88, [fieldEvidence(ref, 'spec.scaleTargetRef.name', target.name)]);
  }
  const active = cond('ScalingActive');
  if (active?.status === 'False') {
    const metrics = /unable to (?:get|fetch) metrics|metrics API|missing request for/i.test(active.message ?? '');
    return make(`HPA ${ref.name} is not scaling: ${metrics ? 'it cannot fetch metrics' : 'scaling is inactive'} (${active.reason ?? ''}): ${active.message ?? ''}`, 0.92, condEvidence(active));
  }
  // `kubectl get hpa` shows `<unknown>/50%` when the current value cannot be computed.
  const targets = hpa.metadata?.annotations?.['syntra.dev/table-targets'];
  if (targets && /<unknown>/.test(targets) && conditions.length === 0) {
    return make(`HPA ${ref.name} cannot read its metric (TARGETS ${targets}): metrics-server is not serving it, or containers of ${target?.kind ?? ''} ${target?.name ?? ''} have no resource request for it (utilization needs a request).`, 0.75,
      [fieldEvidence(ref, 'TARGETS (kubectl get hpa)', targets)]);
  }
  const ev = latestEvent(ctx.cluster.eventsFor('HorizontalPodAutoscaler', ref.namespace, ref.name), METRIC_EVENTS);
  if (ev && conditions.length === 0) return make(`HPA ${ref.name} is not scaling: ${ev.reason}: ${ev.message ?? ''}`, 0.85, [eventEvidence(ref, ev)]);
  const max = hpa.spec?.maxReplicas ?? 0;
  const current = hpa.status?.currentReplicas ?? 0;
  const limited = cond('ScalingLimited');
  const wantsMore = limited?.status === 'True' && limited.reason === 'TooManyReplicas';
  const cpuNow = cpuUtilization(hpa.status?.currentMetrics, 'current');
  const cpuTarget = cpuUtilization(hpa.spec?.metrics, 'target');
  const hot = (cpuNow ?? 0) > (cpuTarget ?? Infinity);
  if (max > 0 && current >= max && (wantsMore || hot)) {
    return make(`HPA ${ref.name} is at its maximum of ${max} replicas and wants more${hot ? ` (CPU ${cpuNow}% vs target ${cpuTarget}%)` : ''}.`, 0.75,
      [fieldEvidence(ref, 'status.currentReplicas/spec.maxReplicas', `${current}/${max}`), ...(limited ? condEvidence(limited) : [])]);
  }
  return [];
}

export const hpaAnalyzer: Analyzer = {
  kind: 'HorizontalPodAutoscaler',
  analyze: (ctx) => ctx.scope.horizontalPodAutoscalers.flatMap((h) => analyzeHpa(ctx, h)),
};
