import type { ResourceRef, RootCauseType } from '../domain/diagnosis.js';
import type { AnalyzerFinding } from './analyzers/analyzer.js';
import type { AnalysisContext } from './analyzers/context.js';
import { analyzeNode } from './analyzers/node.js';
import { networkPolicyCause } from './analyzers/network-policy.js';
import { refKey } from './cluster/query.js';
import { analyzePvc } from './analyzers/pvc.js';
import { analyzeService } from './analyzers/service.js';

/**
 * Causality and ranking. A finding that explains others becomes the root cause: the service with
 * no endpoints behind a "connection refused", the NotReady node under failing pods, the PVC that
 * cannot be provisioned under an unschedulable pod. Otherwise specific causes outrank symptoms
 * (a crash loop, a stuck rollout, a failed job) and confidence breaks ties.
 */
const SYMPTOMS: ReadonlySet<RootCauseType> = new Set(['crash_loop', 'rollout_stuck', 'job_failed', 'unknown']);
const NODE_EXPLAINS: ReadonlySet<RootCauseType> = new Set(['crash_loop', 'unknown', 'probe_failure', 'rollout_stuck']);

export function priorityOf(f: AnalyzerFinding): number {
  if (f.type === 'no_issue_found') return 0;
  if (f.explains && f.explains.length > 0) return 3;
  return f.symptom || SYMPTOMS.has(f.type) ? 1 : 2;
}

export const byRank = (a: AnalyzerFinding, b: AnalyzerFinding): number => priorityOf(b) - priorityOf(a) || b.confidence - a.confidence;

const uniqueRefs = (refs: readonly ResourceRef[]): ResourceRef[] => {
  const seen = new Map<string, ResourceRef>();
  for (const r of refs) if (!seen.has(refKey(r))) seen.set(refKey(r), r);
  return [...seen.values()];
};

/** Same failure in sibling pods (3 replicas crash alike) → one finding naming all of them. */
export function mergeSiblings(findings: readonly AnalyzerFinding[]): AnalyzerFinding[] {
  const merged = new Map<string, AnalyzerFinding>();
  for (const f of findings) {
    const key = `${f.type}|${f.subject.kind}|${f.summary.split(f.subject.name).join('<name>').replace(/\d+ restarts?/, '')}`;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, f);
      continue;
    }
    const others = prev.affected_resources.length;
    merged.set(key, {
      ...prev,
      affected_resources: uniqueRefs([...prev.affected_resources, ...f.affected_resources]),
      summary: `${prev.summary.replace(/(?: \(and \d+ more pods? like it\))?\.?$/, '')} (and ${others} more pod${others > 1 ? 's' : ''} like it).`,
    });
  }
  return [...merged.values()];
}

/** Adds the findings that explain others (service, node, PVC), each once, with `explains` set. */
export function linkCauses(ctx: AnalysisContext, findings: readonly AnalyzerFinding[]): AnalyzerFinding[] {
  const explainers = new Map<string, AnalyzerFinding>();
  const out = findings.map((f) => ({ ...f }));
  const explain = (key: string, make: () => AnalyzerFinding | undefined, symptom: AnalyzerFinding, enrich?: (e: AnalyzerFinding) => AnalyzerFinding): boolean => {
    let e = explainers.get(key);
    if (!e) {
      const base = findings.find((x) => refKey(x.subject) === key) ?? make();
      if (!base) return false;
      e = enrich ? enrich(base) : base;
    }
    explainers.set(key, { ...e, explains: uniqueRefs([...(e.explains ?? []), ...symptom.affected_resources]) });
    return true;
  };
  for (const f of out) {
    const dep = f.links?.dependency;
    if (dep && (f.type === 'dependency_unreachable' || f.type === 'init_container_failure')) {
      const svc = ctx.cluster.serviceForHost(dep.host, f.subject.namespace);
      if (svc) {
        const key = `Service/${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
        const linked = explain(key, () => analyzeService(ctx, svc)[0], f, (e) => ({
          ...e,
          summary: `${e.summary} This is why ${f.affected_resources.map((r) => r.name).join(', ')} cannot connect to ${dep.host}${dep.port ? `:${dep.port}` : ''}.`,
          confidence: Math.min(0.97, Math.max(e.confidence, f.confidence)),
          evidence: [...f.evidence.filter((x) => x.kind === 'log'), ...e.evidence],
          affected_resources: uniqueRefs([...e.affected_resources, ...f.affected_resources]),
        }));
        const policy = linked ? undefined : networkPolicyCause(ctx, f, svc);
        if (policy) explain(refKey(policy.subject), () => policy, f);
        else if (!linked) f.summary = `${f.summary} Service ${svc.metadata?.name} has ready endpoints: check its port and network policies.`;
      } else {
        const policy = networkPolicyCause(ctx, f, undefined);
        if (policy) explain(refKey(policy.subject), () => policy, f);
        else if (ctx.snapshot.services.length > 0 && !/^[\d.]+$/.test(dep.host)) f.summary = `${f.summary} No Service in the evidence resolves ${dep.host}.`;
      }
    }
    const node = f.links?.node;
    if (node && NODE_EXPLAINS.has(f.type)) {
      const n = ctx.cluster.get('Node', undefined, node);
      const nf = n ? analyzeNode(n).find((x) => /NotReady/.test(x.summary)) : undefined;
      if (nf) explain(`Node//${node}`, () => nf, f);
    }
    // A pod waiting for a claim the evidence does not name: the one Pending claim of its namespace is the lead.
    const pending = f.type === 'unschedulable_pvc' && !f.links?.pvcs?.length
      ? ctx.snapshot.persistentVolumeClaims.filter((c) => c.status?.phase === 'Pending' && (!f.subject.namespace || !c.metadata?.namespace || c.metadata.namespace === f.subject.namespace)).map((c) => c.metadata?.name ?? '')
      : [];
    for (const claim of f.type === 'unschedulable_pvc' ? (f.links?.pvcs?.length ? f.links.pvcs : pending.length === 1 ? pending : []) : []) {
      const pvc = ctx.cluster.get('PersistentVolumeClaim', f.subject.namespace, claim);
      const pf = pvc ? analyzePvc(ctx, pvc)[0] : undefined;
      if (pf) explain(`PersistentVolumeClaim/${pvc?.metadata?.namespace ?? ''}/${claim}`, () => pf, f);
    }
  }
  const replaced = (f: AnalyzerFinding) => explainers.get(refKey(f.subject))?.type === f.type;
  return [...out.filter((f) => !replaced(f)), ...explainers.values()];
}

/** What a failing probe reports when the application's own logs say why: the probe is fine, the dependency is not. */
const PROBE_EXPLAINED_BY: ReadonlySet<RootCauseType> = new Set(['dependency_unreachable', 'dependency_slow', 'dns_resolution_failure', 'tls_certificate_error', 'missing_configuration', 'application_error', 'oom_killed', 'cpu_throttling', 'network_policy_blocked']);

function probesAsSymptoms(findings: readonly AnalyzerFinding[]): AnalyzerFinding[] {
  const explained = new Set(findings.filter((f) => PROBE_EXPLAINED_BY.has(f.type)).flatMap((f) => [refKey(f.subject), ...f.affected_resources.map(refKey)]));
  return findings.map((f) => (f.type === 'probe_failure' && explained.has(refKey(f.subject)) ? { ...f, symptom: true } : f));
}

/** Ranked findings, root first; the root's `explains` names what the other findings affect. */
export function rankFindings(ctx: AnalysisContext, findings: readonly AnalyzerFinding[]): AnalyzerFinding[] {
  const ranked = linkCauses(ctx, mergeSiblings(probesAsSymptoms(findings))).sort(byRank);
  const root = ranked[0];
  if (!root) return [];
  const rootKeys = new Set(root.affected_resources.map(refKey));
  const below = ranked.slice(1).filter((f) => priorityOf(f) < priorityOf(root)).flatMap((f) => f.affected_resources).filter((r) => !rootKeys.has(refKey(r)));
  if (below.length > 0) ranked[0] = { ...root, explains: uniqueRefs([...(root.explains ?? []), ...below]) };
  return ranked;
}
