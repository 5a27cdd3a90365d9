import type { Finding, Hypothesis, ResourceRef, RootCauseType } from '../domain/diagnosis.js';
import { UNNAMED } from './cluster/snapshot.js';

/**
 * The top three explanations, the root cause first, each with what supports it, what speaks
 * against it and the read-only command that settles it — so a person can check the reasoning
 * instead of trusting it. Runners-up come from the other findings; when the evidence offers
 * fewer than three, the usual rivals of the root cause's type are listed with nothing for them,
 * which is what makes them worth one command to rule out.
 */
const RIVALS: Partial<Record<RootCauseType, { type: RootCauseType; summary: string; check: (k: string, pod: string) => string }[]>> = {
  crash_loop: [
    { type: 'missing_configuration', summary: 'a setting the application needs at start is missing', check: (k, pod) => `${k} logs ${pod} --previous --tail=50` },
    { type: 'dependency_unreachable', summary: 'a dependency it connects to at start does not answer', check: (k, pod) => `${k} logs ${pod} --previous --tail=50` },
    { type: 'oom_killed', summary: 'it is killed for exceeding its memory limit', check: (k, pod) => `${k} get pod ${pod} -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}'` },
  ],
  probe_failure: [
    { type: 'dependency_unreachable', summary: 'the health check fails because a dependency of the application fails', check: (k, pod) => `${k} logs ${pod} --tail=50` },
    { type: 'cpu_throttling', summary: 'the container is too slow to answer in time (CPU limit)', check: (k, pod) => `${k} top pod ${pod} --containers` },
  ],
  unknown: [
    { type: 'crash_loop', summary: 'the container crashes and its logs hold the reason', check: (k, pod) => `${k} logs ${pod} --previous --tail=50` },
    { type: 'node_not_ready', summary: 'the node it runs on is unhealthy', check: (_k, pod) => `kubectl get pod ${pod} -o wide && kubectl get nodes` },
  ],
  unschedulable_insufficient_resources: [
    { type: 'resource_quota_exceeded', summary: 'a ResourceQuota caps what the namespace may request', check: (k) => `${k} describe resourcequota` },
    { type: 'node_capacity_exhausted', summary: 'the nodes are out of pod slots rather than CPU or memory', check: () => 'kubectl describe nodes | grep -A 5 "Allocated resources"' },
  ],
  image_pull_error: [
    { type: 'image_pull_error', summary: 'the registry needs credentials the pod does not have (imagePullSecrets)', check: (k, pod) => `${k} get pod ${pod} -o jsonpath='{.spec.imagePullSecrets}'` },
  ],
  dependency_unreachable: [
    { type: 'network_policy_blocked', summary: 'a NetworkPolicy drops the connection', check: (k) => `${k} get networkpolicy` },
    { type: 'dns_resolution_failure', summary: 'the name resolves to the wrong place or not at all', check: (k, pod) => `${k} exec ${pod} -- nslookup <host>` },
  ],
  // A connection that times out is dropped on the way: by a NetworkPolicy, or by a pod network that does not work on that node.
  network_policy_blocked: [
    { type: 'node_not_ready', summary: 'the pod network on its node (CNI plugin, kube-proxy) is broken, so no traffic from the pod gets through', check: (_k, pod) => `kubectl get pod ${pod} -o wide && kubectl -n kube-system get pods -o wide` },
    { type: 'dependency_unreachable', summary: 'the destination itself does not answer', check: (k) => `${k} get endpoints` },
  ],
  pvc_provisioning_failure: [
    { type: 'unschedulable_pvc', summary: 'the pod waits for the claim and cannot be scheduled until it binds', check: (k) => `${k} get pvc` },
  ],
};

function against(f: Finding, root: boolean): string[] {
  const out: string[] = [];
  if (f.affected_resources.some((r) => r.name === UNNAMED)) out.push('the evidence does not name the object it is about');
  if (f.confidence < 0.7) out.push(`weak evidence (confidence ${f.confidence})`);
  if (f.detection_method === 'log_pattern' && f.evidence.filter((e) => e.kind === 'log').length === 1) out.push('a single log line');
  if (!root && f.explains === undefined) out.push('ranked below the root cause');
  return out;
}

function checkOf(f: Finding): string {
  return f.remediation.verification[0] ?? 'kubectl get events --sort-by=.lastTimestamp';
}

const refKey = (r: ResourceRef) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

export function hypothesesFor(findings: readonly Finding[], target: ResourceRef): Hypothesis[] {
  const seen = new Set<string>();
  const out: Hypothesis[] = [];
  // What the root cause explains is its consequence, not a rival explanation.
  const explained = new Set((findings[0]?.explains ?? []).map(refKey));
  const rivalsOf = findings.filter((f, i) => i === 0 || !f.affected_resources.every((r) => explained.has(refKey(r))));
  for (const [i, f] of rivalsOf.entries()) {
    const key = `${f.type}|${f.summary.slice(0, 60)}`;
    if (seen.has(f.type) || seen.has(key)) continue;
    seen.add(f.type);
    seen.add(key);
    out.push({ type: f.type, summary: f.summary, confidence: f.confidence, evidence_for: f.evidence.slice(0, 4), evidence_against: against(f, i === 0), check: checkOf(f) });
    if (out.length === 3) return out;
  }
  const root = findings[0];
  // A well-founded root cause needs no invented rivals; an uncertain one does.
  if (!root || root.confidence >= 0.85 || root.type === 'no_issue_found') return out;
  const k = `kubectl${target.namespace ? ` -n ${target.namespace}` : ''}`;
  const pod = root.affected_resources.find((r) => r.kind === 'Pod' && r.name !== UNNAMED)?.name ?? '<pod>';
  for (const rival of RIVALS[root.type] ?? []) {
    if (out.length === 3) break;
    if (out.some((h) => h.type === rival.type && h.summary === rival.summary)) continue;
    out.push({
      type: rival.type,
      summary: `Alternative: ${rival.summary}.`,
      confidence: Math.round(Math.min(0.3, root.confidence / 3) * 100) / 100,
      evidence_for: [],
      evidence_against: ['nothing in the collected evidence points to it'],
      check: rival.check(k, pod),
    });
  }
  return out;
}
