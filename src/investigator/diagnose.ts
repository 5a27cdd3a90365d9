import type { Diagnosis, ResourceRef } from '../domain/diagnosis.js';
import { SyntraError } from '../domain/errors.js';
import { toPublicFinding, type AnalyzerFinding } from './analyzers/analyzer.js';
import { buildAnalysisContext, type AnalysisContext } from './analyzers/context.js';
import { ClusterQuery, refKey } from './cluster/query.js';
import { canonicalKind } from './cluster/kinds.js';
import { runAnalyzers } from './analyzers/registry.js';
import type { ClusterSnapshot } from './cluster/snapshot.js';
import { bindTarget, type Binding } from './bind.js';
import { emptyListIn } from './messages/catalogue.js';
import { noIssueFinding } from './healthy.js';
import { hypothesesFor } from './hypotheses.js';
import { rankFindings } from './rank.js';

/**
 * The investigator's rule-based diagnosis: analyzers → causal linking → ranking → one Diagnosis
 * per target. Pure and synchronous: the snapshot holds all evidence.
 */
const EXPLAINER_TYPES = new Set(['service_no_endpoints', 'node_not_ready', 'pvc_provisioning_failure', 'resource_quota_exceeded']);
const SYMPTOM_TYPES = new Set(['crash_loop', 'rollout_stuck', 'job_failed', 'unknown']);

export interface DiagnoseTarget {
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * A symptom that ends up as the root cause (a job that failed, a rollout that stopped, a crash
 * loop) is certain as a fact and weak as an answer: nothing below it says why. Its confidence as
 * the root cause stays below the 0.7 at which a person acts on it.
 */
const SYMPTOM_AS_ROOT = 0.65;

function assemble(ctx: AnalysisContext, target: ResourceRef, found: readonly AnalyzerFinding[]): Diagnosis {
  const ranked = found.length > 0 ? rankFindings(ctx, found) : [noIssueFinding(ctx, target)];
  if (SYMPTOM_TYPES.has(ranked[0]!.type) && ranked[0]!.confidence > SYMPTOM_AS_ROOT) ranked[0] = { ...ranked[0]!, confidence: SYMPTOM_AS_ROOT };
  const root = ranked[0]!;
  const affected = new Map<string, ResourceRef>([[refKey(target), target]]);
  for (const f of ranked) for (const r of f.affected_resources) if (!affected.has(refKey(r))) affected.set(refKey(r), r);
  const findings = ranked.map(toPublicFinding);
  return {
    target,
    root_cause: { type: root.type, summary: root.summary, confidence: root.confidence, detection_method: root.detection_method, evidence: root.evidence },
    findings,
    hypotheses: hypothesesFor(findings, target),
    remediation: root.remediation,
    affected_resources: [...affected.values()],
  };
}

/** Diagnoses one target (or, without one, the most important problem in the snapshot). */
export function diagnose(snapshot: ClusterSnapshot, target?: DiagnoseTarget): Diagnosis {
  if (!target) {
    const all = diagnoseAll(snapshot);
    if (all[0]) return all[0];
    const empty = emptyNamespace(snapshot);
    if (empty) throw empty;
    const ctx = buildAnalysisContext(snapshot);
    const scopeRef: ResourceRef = { kind: 'Namespace', name: snapshot.namespaces.length === 1 ? snapshot.namespaces[0]! : 'all' };
    return assemble(ctx, scopeRef, []);
  }
  if (!target.name) throw new SyntraError('validation_failed', `a ${target.kind || 'resource'} to diagnose needs a name`);
  const kind = canonicalKind(target.kind);
  let cluster = new ClusterQuery(snapshot);
  const asked: ResourceRef = { kind, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) };
  // What kubectl said is not there is not there, even when the same name exists elsewhere.
  const early = bindTarget(snapshot, asked, cluster);
  const namespace = target.namespace ?? (early.kind === 'not_found' && early.reason.startsWith('kubectl') ? undefined : namespaceHolding(cluster, kind, target.name));
  const ref: ResourceRef = { kind, name: target.name, ...(namespace ? { namespace } : {}) };
  const binding = namespace === target.namespace ? early : bindTarget(snapshot, ref, cluster);
  if (binding.kind === 'not_found') throw notFound(cluster, ref, binding, snapshot);
  if (binding.kind === 'bound') {
    snapshot = binding.snapshot;
    cluster = new ClusterQuery(snapshot);
  }
  const ctx = buildAnalysisContext(snapshot, { target: ref, cluster });
  const withNs = ref.namespace ? ref : { ...ref, ...namespaceOf(ctx, ref) };
  return assemble(ctx, withNs, runAnalyzers(ctx));
}

/**
 * The evidence is kubectl saying a namespace holds nothing (`No resources found in x namespace.`),
 * and nothing else shows that namespace: the question is about something that is not there.
 */
function emptyNamespace(snapshot: ClusterSnapshot): SyntraError | undefined {
  for (const note of snapshot.notes) {
    const namespace = emptyListIn(note.text)?.namespace;
    if (!namespace || snapshot.namespaces.includes(namespace)) continue;
    return new SyntraError('not_found', `Namespace ${namespace} holds nothing kubectl listed (kubectl said: "${note.text.trim()}"): it is empty or does not exist; check its name with \`kubectl get namespaces\`.`, {
      details: { target: { kind: 'Namespace', name: namespace }, closest: snapshot.namespaces, namespaces: [] },
    });
  }
  return undefined;
}

function notFound(cluster: ClusterQuery, ref: ResourceRef, b: Extract<Binding, { kind: 'not_found' }>, snapshot: ClusterSnapshot): SyntraError {
  const elsewhere = b.namespaces.length ? ` It exists in namespace ${b.namespaces.join(', ')}.` : '';
  const said = b.reason.startsWith('kubectl') ? ` ${b.reason}.` : '';
  return new SyntraError('not_found', `${ref.kind} ${ref.name}${ref.namespace ? ` in namespace ${ref.namespace}` : ''} is not in the evidence (${snapshot.source.description}).${said}${elsewhere}`, {
    details: { target: ref, closest: cluster.closestNames(ref.kind, ref.name, ref.namespace), namespaces: b.namespaces },
  });
}

/** A target named without its namespace: the one namespace holding it, or an error naming them all. */
function namespaceHolding(cluster: ClusterQuery, kind: string, name: string): string | undefined {
  const namespaces = cluster.namespacesHolding(kind, name);
  if (namespaces.length > 1) {
    throw new SyntraError('validation_failed', `${kind} ${name} exists in namespaces ${namespaces.join(', ')}: name one.`, { details: { namespaces } });
  }
  return namespaces[0];
}

function namespaceOf(ctx: AnalysisContext, ref: ResourceRef): { namespace?: string } {
  const obj = [...ctx.scope.pods, ...ctx.scope.deployments, ...ctx.scope.services, ...ctx.scope.jobs, ...ctx.scope.statefulSets][0];
  const ns = ref.kind === 'Node' ? undefined : obj?.metadata?.namespace;
  return ns ? { namespace: ns } : {};
}

/**
 * Every unhealthy resource, one Diagnosis per workload (pods grouped under their Deployment,
 * StatefulSet, DaemonSet, CronJob…), explainers (services, nodes, PVCs) first, then by confidence.
 */
export function diagnoseAll(snapshot: ClusterSnapshot, options: { namespace?: string } = {}): Diagnosis[] {
  const ctx = buildAnalysisContext(snapshot, options.namespace !== undefined ? { namespace: options.namespace } : {});
  const groups = new Map<string, { ref: ResourceRef; findings: AnalyzerFinding[] }>();
  for (const f of runAnalyzers(ctx)) {
    const ref = ctx.cluster.workloadOf(f.groupUnder ?? f.subject);
    const key = refKey(ref);
    const group = groups.get(key) ?? { ref, findings: [] };
    group.findings.push(f);
    groups.set(key, group);
  }
  const diagnoses = [...groups.values()].map((g) => assemble(ctx, g.ref, g.findings));
  // Problems that explain other workloads' failures (a service, node, PVC, quota) come first; a
  // diagnosis that found a cause comes before one that only saw a symptom (a failed job, a stuck
  // rollout, a crash loop), whatever their confidences: a symptom is sure and says little.
  const rank = (d: Diagnosis) => (EXPLAINER_TYPES.has(d.root_cause.type) && d.findings[0]?.explains?.length ? 3
    : d.root_cause.type === 'no_issue_found' ? 0 : SYMPTOM_TYPES.has(d.root_cause.type) ? 1 : 2);
  return diagnoses
    .sort((a, b) => rank(b) - rank(a) || b.root_cause.confidence - a.root_cause.confidence || refKey(a.target).localeCompare(refKey(b.target)));
}
