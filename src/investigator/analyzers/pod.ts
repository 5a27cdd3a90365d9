import type { V1Pod } from '@kubernetes/client-node';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { matchMessage } from '../messages/catalogue.js';
import { fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { isPodOfSettledJob } from './job-state.js';
import { initContainerFinding, containerFinding } from './pod-containers.js';
import { baseFacts, nodeLink, podFacts, type PodFacts } from './pod-facts.js';
import { schedulingFinding } from './pod-scheduling.js';
import { containerViews, isPodReady, isTerminating } from './pod-status.js';
import { refOf } from '../cluster/query.js';
import { volumeFinding } from './pod-volumes.js';

/**
 * The Pod analyzer. Succeeded pods are never findings (even when a sidecar exited non-zero),
 * nor are failed pods of Jobs that completed after retries; errored pods with
 * restartPolicy: Never are (k8sgpt misses them).
 */
function evictedFinding(p: PodFacts): AnalyzerFinding {
  const message = p.pod.status?.message ?? '';
  // The kubelet's message says which resource ran low and which container used how much of it.
  const heard = message ? matchMessage(message) : undefined;
  const why = heard?.type === 'evicted' ? heard.cause : message.trim();
  return makeFinding({
    type: 'evicted',
    subject: p.ref,
    summary: `Pod ${p.name} was evicted${p.node ? ` from node ${p.node}` : ''}${why ? `: ${why}` : ''}.`,
    confidence: 0.95,
    evidence: [fieldEvidence(p.ref, 'status.reason', 'Evicted'), ...(message ? [fieldEvidence(p.ref, 'status.message', message)] : [])],
    facts: baseFacts(p),
    links: nodeLink(p),
  });
}

/** Running but not Ready with nothing more specific: weak, but a NotReady node can explain it. */
function notReadyFinding(p: PodFacts): AnalyzerFinding | undefined {
  const phase = p.pod.status?.phase;
  if (phase === 'Running' && !isPodReady(p.pod) && p.pod.status?.conditions?.length) {
    const ready = p.pod.status.conditions.find((c) => c.type === 'Ready');
    return makeFinding({
      type: 'unknown',
      subject: p.ref,
      summary: `Pod ${p.name} is Running but not Ready${ready?.reason ? ` (${ready.reason})` : ''}.`,
      confidence: 0.4,
      evidence: [fieldEvidence(p.ref, 'status.conditions[Ready].status', ready?.status ?? 'False'), ...(ready?.message ? [fieldEvidence(p.ref, 'status.conditions[Ready].message', ready.message)] : [])],
      facts: baseFacts(p),
      links: nodeLink(p),
    });
  }
  if (phase === 'Pending' && !p.node) {
    // Pending, and nothing says why (no scheduler event was given): what the spec asks for is the lead.
    const spec = p.pod.spec;
    const selector = Object.entries(spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`);
    const affinity = (spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [])
      .flatMap((t) => (t.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} ${(e.values ?? []).join(',')}`.trim()));
    const constraints = [...selector.map((x) => `nodeSelector ${x}`), ...affinity.map((x) => `required node affinity ${x}`)];
    return makeFinding({
      type: constraints.length > 0 ? 'unschedulable_node_selector' : 'unknown',
      subject: p.ref,
      summary: constraints.length > 0
        ? `Pod ${p.name} is Pending and only nodes matching ${constraints.join(' and ')} may run it; no scheduler event was given to confirm that no node matches.`
        : `Pod ${p.name} is Pending and the evidence does not say why (no scheduler events or conditions were given).`,
      confidence: constraints.length > 0 ? 0.6 : 0.4,
      evidence: [fieldEvidence(p.ref, 'status.phase', 'Pending'), ...constraints.map((c) => fieldEvidence(p.ref, c.startsWith('nodeSelector') ? 'spec.nodeSelector' : 'spec.affinity.nodeAffinity', c))],
      facts: baseFacts(p),
    });
  }
  const restarts = (p.pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  if (phase === 'Running' && restarts >= 5) {
    return { ...makeFinding({
      type: 'crash_loop',
      subject: p.ref,
      summary: `Pod ${p.name} is running but has restarted ${restarts} times; the evidence does not say why (its previous logs and events would).`,
      confidence: 0.45,
      evidence: [fieldEvidence(p.ref, 'status.containerStatuses[*].restartCount', restarts)],
      facts: baseFacts(p),
      links: nodeLink(p),
    }), symptom: true };
  }
  if (phase === 'Unknown') {
    return makeFinding({
      // The phase the API server shows when the pod's node cannot be reached (the node controller's
      // NodeLost before 1.9, a kubelet that stopped posting status since): the node is the lead, unconfirmed without it.
      type: 'node_not_ready', subject: p.ref, summary: `Pod ${p.name} is in phase Unknown: its node${p.node ? ` ${p.node}` : ''} stopped reporting (not ready or unreachable).`,
      confidence: 0.6, evidence: [fieldEvidence(p.ref, 'status.phase', 'Unknown')], facts: baseFacts(p), links: nodeLink(p),
    });
  }
  return undefined;
}

/**
 * Deleted but still listed: the kubelet of its node has not confirmed the deletion. Several pods
 * stuck so point at their node (down or unreachable); one alone may equally be held by a
 * finalizer or a volume that does not detach, and a table does not say for how long.
 */
function terminatingFinding(p: PodFacts): AnalyzerFinding {
  const stuck = p.ctx.snapshot.pods.filter((x) => isTerminating(x) && x !== p.pod);
  const node = p.node ? p.ctx.cluster.get('Node', undefined, p.node) : undefined;
  const nodeReady = node?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const several = stuck.length > 0 && !nodeReady;
  const where = p.node ? `node ${p.node}` : 'their node';
  return makeFinding({
    type: several ? 'node_not_ready' : 'unknown',
    subject: p.ref,
    summary: several
      ? `Pod ${p.name} is stuck Terminating, as ${stuck.length === 1 ? 'is 1 other pod' : `are ${stuck.length} other pods`} here: the kubelet of ${where} does not confirm the deletions, which is what a node that is down or unreachable does (a finalizer or a volume that does not detach can also hold a pod in Terminating).`
      : `Pod ${p.name} is Terminating${nodeReady ? ` on Ready node ${p.node}` : ''}: a finalizer, a volume that does not detach or a process ignoring SIGTERM holds it, or the deletion is still in progress.`,
    confidence: several ? 0.55 : 0.4,
    evidence: [fieldEvidence(p.ref, 'status', 'Terminating'), ...stuck.slice(0, 3).map((x) => fieldEvidence(refOf(x, 'Pod'), 'status', 'Terminating'))],
    facts: baseFacts(p),
    links: nodeLink(p),
  });
}

export function analyzePod(ctx: AnalysisContext, pod: V1Pod): AnalyzerFinding[] {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return [];
  if (phase === 'Failed' && isPodOfSettledJob(ctx.cluster, pod)) return [];
  const p = podFacts(ctx, pod);
  if (pod.status?.reason === 'Evicted') return [evictedFinding(p)];
  const scheduling = schedulingFinding(p);
  if (scheduling) return [scheduling];
  const findings: AnalyzerFinding[] = [];
  for (const view of containerViews(pod)) {
    const f = view.role === 'init' ? initContainerFinding(p, view) : containerFinding(p, view);
    if (f) findings.push(f);
  }
  const volume = volumeFinding(p);
  if (volume) findings.push(volume);
  if (findings.length === 0 && isTerminating(pod)) return [terminatingFinding(p)];
  if (findings.length === 0) {
    const weak = notReadyFinding(p);
    if (weak) findings.push(weak);
  }
  return findings;
}

export const podAnalyzer: Analyzer = {
  kind: 'Pod',
  analyze: (ctx) => ctx.scope.pods.flatMap((pod) => analyzePod(ctx, pod)),
};
