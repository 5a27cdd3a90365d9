import type { V1Endpoints, V1Service } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { endpointsState, whyNoEndpoints } from './service-endpoints.js';

/** Service (+Endpoints): a selector-backed service with no ready endpoints, and why. */
export function analyzeService(ctx: AnalysisContext, svc: V1Service): AnalyzerFinding[] {
  const sel = svc.spec?.selector;
  if (svc.spec?.type === 'ExternalName' || !sel || Object.keys(sel).length === 0) return [];
  const state = endpointsState(ctx, svc);
  if (state.ready > 0) return [];
  const ref = refOf(svc, 'Service');
  const why = whyNoEndpoints(ctx, svc);
  const ports = (svc.spec?.ports ?? []).map((p) => p.port).join(',');
  const podsNotReady = why.podsNotReady === true;
  const finding = makeFinding({
    type: 'service_no_endpoints',
    subject: ref,
    summary: `Service ${ref.name}${ports ? ` (port ${ports})` : ''} has no ready endpoints: ${why.text}.`,
    confidence: state.source === 'endpoints' ? 0.95 : 0.8,
    evidence: [...state.evidence, ...why.evidence],
    affected: [ref, ...(why.backendRef ? [why.backendRef] : [])],
    facts: { service: ref.name, ...(why.backend ? { backend: why.backend } : {}) },
  });
  // Pods that exist but are not ready: their own findings hold the cause, this is its consequence.
  return [podsNotReady ? { ...finding, symptom: true, ...(why.backendRef ? { groupUnder: why.backendRef } : {}) } : finding];
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
