import type { EvidenceItem, ResourceRef } from '../domain/diagnosis.js';
import type { AnalyzerFinding } from './analyzers/analyzer.js';
import type { AnalysisContext } from './analyzers/context.js';
import { fieldEvidence } from './analyzers/evidence.js';
import { makeFinding } from './analyzers/finding.js';
import { isPodReady, podStatusText } from './analyzers/pod-status.js';
import { refOf } from './cluster/query.js';

/**
 * no_issue_found, with the checks that support it as evidence. Confidence reflects what the
 * evidence allowed us to check (status, events, logs), not a guess.
 */
export function noIssueFinding(ctx: AnalysisContext, target: ResourceRef): AnalyzerFinding {
  const evidence: EvidenceItem[] = [];
  const pods = ctx.scope.pods;
  for (const pod of pods.slice(0, 5)) {
    const ref = refOf(pod, 'Pod');
    evidence.push(fieldEvidence(ref, 'status', `${podStatusText(pod)}, ready=${isPodReady(pod)}`));
  }
  const w = [...ctx.scope.deployments, ...ctx.scope.statefulSets][0];
  if (w) evidence.push(fieldEvidence(target, 'status.readyReplicas/spec.replicas', `${w.status?.readyReplicas ?? 0}/${w.spec?.replicas ?? 1}`));
  const names = new Set([target.name, ...pods.map((p) => p.metadata?.name ?? '')]);
  const warnings = ctx.snapshot.events.filter((e) => e.type === 'Warning' && names.has(e.involvedObject.name ?? '') && (e.involvedObject.namespace ?? '') === (target.namespace ?? e.involvedObject.namespace ?? ''));
  evidence.push(fieldEvidence(target, 'warning events', String(warnings.length)));
  const hasStatus = pods.length > 0 ? pods.every((p) => p.status?.phase !== undefined) : true;
  const eventsKnown = ctx.snapshot.events.length > 0;
  const logsKnown = pods.some((p) => ctx.cluster.logsFor(p.metadata?.namespace, p.metadata?.name ?? '', p.spec?.containers[0]?.name ?? '', false));
  const allReady = pods.every((p) => p.status?.phase === 'Succeeded' || isPodReady(p));
  const confidence = 0.6 + (hasStatus ? 0.1 : 0) + (eventsKnown ? 0.1 : 0) + (allReady ? 0.1 : 0) + (logsKnown ? 0.05 : 0) - (warnings.length > 0 ? 0.05 : 0);
  const checked = [`${pods.length} pod(s)`, eventsKnown ? 'events' : undefined, logsKnown ? 'logs' : undefined].filter(Boolean).join(', ');
  return makeFinding({
    type: 'no_issue_found',
    subject: target,
    summary: `No issue found for ${target.kind.toLowerCase()} ${target.name}: checked ${checked}; ${allReady ? 'all pods ready' : 'status complete'}${warnings.length > 0 ? `, ${warnings.length} older warning event(s) no longer reflected in the state` : ''}.`,
    confidence,
    evidence,
    facts: { workload: `${target.kind.toLowerCase()}/${target.name}` },
  });
}
