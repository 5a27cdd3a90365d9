import type { V1Endpoints, V1Service } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import { selectorMatches } from '../cluster/selectors.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { fieldEvidence, specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { endpointsState, matchingPods, whyNoEndpoints } from './service-endpoints.js';

/** Service (+Endpoints): a selector-backed service with no ready endpoints, and why. */
export function analyzeService(ctx: AnalysisContext, svc: V1Service): AnalyzerFinding[] {
  const sel = svc.spec?.selector;
  if (svc.spec?.type === 'ExternalName' || !sel || Object.keys(sel).length === 0) return [];
  const state = endpointsState(ctx, svc);
  if (state.ready > 0) return targetPortMismatch(ctx, svc);
  const ref = refOf(svc, 'Service');
  // Pasted objects without any pod (`kubectl get deploy,svc -o yaml`): no pod matching is no evidence of none.
  const podsGiven = ctx.snapshot.source.kind !== 'kubectl' || ctx.snapshot.pods.some((p) => p.metadata?.namespace === ref.namespace);
  if (state.source === 'pods' && !podsGiven && servingWorkload(ctx, svc)) return [];
  const why = whyNoEndpoints(ctx, svc);
  const ports = (svc.spec?.ports ?? []).map((p) => p.port).join(',');
  const podsNotReady = why.podsNotReady === true;
  const finding = makeFinding({
    type: 'service_no_endpoints',
    subject: ref,
    summary: `Service ${ref.name}${ports ? ` (port ${ports})` : ''} has no ready endpoints: ${why.text}.`,
    confidence: state.source === 'endpoints' ? 0.95 : podsGiven ? 0.8 : 0.6,
    evidence: [...state.evidence, ...why.evidence],
    affected: [ref, ...(why.backendRef ? [why.backendRef] : [])],
    facts: { service: ref.name, ...(why.backend ? { backend: why.backend } : {}) },
  });
  // Pods that exist but are not ready: their own findings hold the cause, this is its consequence.
  return [podsNotReady ? { ...finding, symptom: true, ...(why.backendRef ? { groupUnder: why.backendRef } : {}) } : finding];
}

const readyOf = (status: { readyReplicas?: number; numberReady?: number } | undefined): number => status?.readyReplicas ?? status?.numberReady ?? 0;

/** A workload whose pods the service selects and which reports ready replicas: its pods exist, unseen. */
function servingWorkload(ctx: AnalysisContext, svc: V1Service): boolean {
  const sel = svc.spec?.selector ?? {};
  return [...ctx.snapshot.deployments, ...ctx.snapshot.statefulSets, ...ctx.snapshot.daemonSets, ...ctx.snapshot.replicaSets].some((w) =>
    w.metadata?.namespace === svc.metadata?.namespace && selectorMatches(sel, w.spec?.template?.metadata?.labels) && readyOf(w.status) > 0);
}

/**
 * A numeric targetPort that no container of the selected pods declares, while they declare others:
 * the endpoints exist, but every connection goes to a port the application does not listen on
 * (refused). Declared ports are not a complete list of what a process listens on, hence below the
 * certainty of an empty Endpoints object.
 */
function targetPortMismatch(ctx: AnalysisContext, svc: V1Service): AnalyzerFinding[] {
  const pods = matchingPods(ctx, svc);
  const declared = [...new Set(pods.flatMap((p) => (p.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((port) => port.containerPort))))];
  if (declared.length === 0) return [];
  const ref = refOf(svc, 'Service');
  return (svc.spec?.ports ?? [])
    .filter((p) => typeof p.targetPort === 'number' && !declared.includes(p.targetPort))
    .slice(0, 1)
    .map((p) => makeFinding({
      type: 'service_no_endpoints',
      subject: ref,
      summary: `Service ${ref.name} sends port ${p.port} to targetPort ${String(p.targetPort)}, but its pods (${pods.slice(0, 3).map((x) => x.metadata?.name).join(', ')}) listen on ${declared.join(', ')}: connections through the service reach a port nothing serves. Set targetPort to ${declared[0]} (or the port's name).`,
      confidence: 0.8,
      evidence: [specEvidence(ref, `spec.ports[${p.port}].targetPort`, String(p.targetPort)), specEvidence(refOf(pods[0]!, 'Pod'), 'spec.containers[].ports[].containerPort', declared.join(', '))],
      affected: [ref, ...pods.slice(0, 3).map((x) => refOf(x, 'Pod'))],
      facts: { service: ref.name },
    }));
}

/**
 * Endpoints whose Service is not in the evidence (`kubectl get endpoints` pasted alone): no ready
 * address means no ready pod matches the service's selector, whatever the selector is.
 */
function endpointsWithoutService(ctx: AnalysisContext): AnalyzerFinding[] {
  const wanted = ctx.target?.kind === 'Service' ? ctx.target : undefined;
  if (ctx.target && !wanted) return [];
  const withService = new Set(ctx.scope.services.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`));
  return ctx.cluster.list<V1Endpoints>('Endpoints', ctx.namespace)
    .filter((ep) => (!wanted || ep.metadata?.name === wanted.name) && !withService.has(`${ep.metadata?.namespace ?? ''}/${ep.metadata?.name ?? ''}`))
    .filter((ep) => (ep.subsets ?? []).every((s) => (s.addresses?.length ?? 0) === 0))
    .map((ep) => {
      const ref = { ...refOf(ep, 'Service') };
      const notReady = (ep.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
      return makeFinding({
        type: 'service_no_endpoints',
        subject: ref,
        summary: `Service ${ref.name} has no ready endpoints (its Endpoints list ${notReady > 0 ? `only ${notReady} not-ready address(es)` : 'no address'}): no ready pod matches its selector — check the selector against the pods' labels, and whether those pods run and are ready.`,
        confidence: 0.8,
        evidence: [fieldEvidence(refOf(ep, 'Endpoints'), 'subsets', notReady > 0 ? `0 ready, ${notReady} not-ready address(es)` : '<none>')],
        facts: { service: ref.name },
      });
    });
}

export const serviceAnalyzer: Analyzer = {
  kind: 'Service',
  analyze: (ctx) => [...ctx.scope.services.flatMap((svc) => analyzeService(ctx, svc)), ...endpointsWithoutService(ctx)],
};
