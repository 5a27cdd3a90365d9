import type { V1Service } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
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

export const serviceAnalyzer: Analyzer = {
  kind: 'Service',
  analyze: (ctx) => ctx.scope.services.flatMap((svc) => analyzeService(ctx, svc)),
};
