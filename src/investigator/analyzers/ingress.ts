import type { V1Ingress, V1IngressBackend } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import { BACKEND_ENDPOINTS } from '../sources/kubectl-text/describe-ingress.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { fieldEvidence, specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { endpointsState, whyNoEndpoints } from './service-endpoints.js';

/** Ingress: backend service missing or without endpoints, missing TLS secret, no IngressClass. */
function backends(ing: V1Ingress): { path: string; backend: V1IngressBackend }[] {
  const out: { path: string; backend: V1IngressBackend }[] = [];
  if (ing.spec?.defaultBackend) out.push({ path: 'spec.defaultBackend', backend: ing.spec.defaultBackend });
  for (const rule of ing.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) out.push({ path: `spec.rules[${rule.host ?? '*'}].http.paths[${p.path ?? '/'}].backend`, backend: p.backend });
  }
  return out;
}

/**
 * What `kubectl describe ingress` found for a backend's endpoints when the service itself is not in
 * the evidence: `<error: endpoints "x" not found>` (kubectl 1.19+) means the service does not exist
 * (the endpoints controller keeps one Endpoints object per service with a selector), `<none>` that
 * it has no ready endpoint.
 */
function describedEndpoints(ing: V1Ingress, service: string): AnalyzerFinding | undefined {
  const ref = refOf(ing, 'Ingress');
  let found: unknown;
  try {
    found = (JSON.parse(ing.metadata?.annotations?.[BACKEND_ENDPOINTS] ?? '{}') as Record<string, unknown>)[service];
  } catch {
    return undefined;
  }
  if (typeof found !== 'string') return undefined;
  const missing = /^<error: endpoints "[^"]+" not found>$/.test(found);
  if (!missing && found !== '<none>') return undefined;
  return makeFinding({
    type: 'service_no_endpoints', subject: ref,
    summary: missing
      ? `Ingress ${ref.name} routes to service ${service}, whose endpoints do not exist (kubectl: ${found.slice(8, -1)}): the service is missing (or has no selector), so the controller has nowhere to send requests.`
      : `Ingress ${ref.name} routes to service ${service}, which has no ready endpoints (kubectl printed <none> for it): no ready pod matches its selector.`,
    confidence: missing ? 0.85 : 0.8,
    evidence: [specEvidence(ref, 'spec.rules[].http.paths[].backend.service.name', service), fieldEvidence(ref, `rules[].backends[${service}] (kubectl describe: its endpoints)`, found)],
    facts: { ingress: ref.name, service },
  });
}

export function analyzeIngress(ctx: AnalysisContext, ing: V1Ingress): AnalyzerFinding[] {
  const ref = refOf(ing, 'Ingress');
  const findings: AnalyzerFinding[] = [];
  const seen = new Set<string>();
  for (const { path, backend } of backends(ing)) {
    const name = backend.service?.name;
    if (!name || seen.has(name)) continue;
    seen.add(name);
    const svc = ctx.cluster.get('Service', ref.namespace, name);
    const evidence = [specEvidence(ref, `${path}.service.name`, name)];
    if (!svc) {
      const described = describedEndpoints(ing, name);
      if (described) {
        findings.push(described);
        continue;
      }
      if (ctx.snapshot.services.length === 0) continue;
      findings.push(makeFinding({
        type: 'service_no_endpoints', subject: ref, summary: `Ingress ${ref.name} routes to service ${name}, which does not exist.`,
        confidence: 0.9, evidence, facts: { ingress: ref.name, service: name },
      }));
      continue;
    }
    const state = endpointsState(ctx, svc);
    if (state.ready > 0 || !svc.spec?.selector) continue;
    const why = whyNoEndpoints(ctx, svc);
    findings.push(makeFinding({
      type: 'service_no_endpoints', subject: ref, summary: `Ingress ${ref.name} routes to service ${name}, which has no ready endpoints: ${why.text}.`,
      confidence: state.source === 'endpoints' ? 0.92 : 0.8, evidence: [...evidence, ...state.evidence, ...why.evidence],
      affected: [ref, refOf(svc, 'Service'), ...(why.backendRef ? [why.backendRef] : [])],
      facts: { ingress: ref.name, service: name, ...(why.backend ? { backend: why.backend } : {}) },
    }));
  }
  const knowsSecrets = ctx.snapshot.source.kind !== 'kubectl' || ctx.snapshot.secrets.length > 0;
  for (const tls of ing.spec?.tls ?? []) {
    const secret = tls.secretName;
    if (!secret || !knowsSecrets || ctx.cluster.get('Secret', ref.namespace, secret)) continue;
    findings.push(makeFinding({
      type: 'tls_certificate_error', subject: ref,
      summary: `Ingress ${ref.name} uses TLS secret ${secret} for ${(tls.hosts ?? []).join(', ') || 'its hosts'}, which does not exist.`,
      confidence: 0.9, evidence: [specEvidence(ref, 'spec.tls[].secretName', secret)], facts: { ingress: ref.name, secret },
    }));
  }
  const annotated = ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
  if (!ing.spec?.ingressClassName && !annotated) {
    findings.push(makeFinding({
      type: 'missing_configuration', subject: ref,
      summary: `Ingress ${ref.name} names no IngressClass (spec.ingressClassName unset): no controller serves it unless a default IngressClass exists.`,
      confidence: 0.6, evidence: [specEvidence(ref, 'spec.ingressClassName', '<unset>')], facts: { ingress: ref.name },
    }));
  }
  return findings;
}

export const ingressAnalyzer: Analyzer = {
  kind: 'Ingress',
  analyze: (ctx) => ctx.scope.ingresses.flatMap((i) => analyzeIngress(ctx, i)),
};
