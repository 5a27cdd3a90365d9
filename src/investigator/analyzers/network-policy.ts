import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { isolationOf } from '../cluster/network-policy.js';
import { refOf } from '../cluster/query.js';
import type { AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';

/**
 * A pod that cannot reach a dependency whose Service has ready endpoints: when a NetworkPolicy in
 * the evidence isolates the pod for egress, or the dependency's pods for ingress, and no rule admits
 * the connection, the policy is the cause (a dropped packet is a timeout, so a "connection refused"
 * is never blamed on a policy).
 */
export function networkPolicyCause(ctx: AnalysisContext, f: AnalyzerFinding, svc: V1Service | undefined): AnalyzerFinding | undefined {
  const dep = f.links?.dependency;
  if (!dep || ctx.snapshot.networkPolicies.length === 0 || f.evidence.some((e) => /refused/i.test(e.value))) return undefined;
  const source = f.affected_resources.filter((r) => r.kind === 'Pod').map((r) => ctx.cluster.get<V1Pod>('Pod', r.namespace, r.name)).find((p) => p !== undefined);
  if (!source) return undefined;
  const target = svc ? ctx.cluster.podsSelectedBy(svc)[0] : undefined;
  const servicePort = svc?.spec?.ports?.find((p) => dep.port === undefined || p.port === dep.port);
  const targetPort = typeof servicePort?.targetPort === 'number' ? servicePort.targetPort : servicePort?.targetPort === undefined ? (servicePort?.port ?? dep.port) : undefined;
  const egress = isolationOf(ctx.snapshot.networkPolicies, source, 'egress', target, targetPort ?? dep.port);
  const ingress = egress || !target ? undefined : isolationOf(ctx.snapshot.networkPolicies, target, 'ingress', source, targetPort);
  const iso = egress ?? ingress;
  if (!iso) return undefined;
  const policy = iso.policies[0]!;
  const ref = refOf(policy, 'NetworkPolicy');
  const names = iso.policies.map((p) => p.metadata?.name ?? '').join(', ');
  const isolated = iso.direction === 'egress' ? `pod ${source.metadata?.name}` : `the pods of service ${svc?.metadata?.name} (${target?.metadata?.name})`;
  const to = `${dep.host}${dep.port ? `:${dep.port}` : ''}`;
  return makeFinding({
    type: 'network_policy_blocked',
    subject: ref,
    summary: `NetworkPolicy ${names} isolates ${isolated} for ${iso.direction}, and no rule of it admits the connection from ${source.metadata?.name} to ${to}${targetPort && targetPort !== dep.port ? ` (target port ${targetPort})` : ''}: the packets are dropped, which is why ${source.metadata?.name} cannot connect to ${to}.`,
    confidence: 0.82,
    evidence: [fieldEvidence(ref, `spec (${iso.direction})`, JSON.stringify(iso.direction === 'egress' ? { podSelector: policy.spec?.podSelector, policyTypes: policy.spec?.policyTypes, egress: policy.spec?.egress ?? [] } : { podSelector: policy.spec?.podSelector, policyTypes: policy.spec?.policyTypes, ingress: policy.spec?.ingress ?? [] })), ...f.evidence.filter((e) => e.kind === 'log').slice(0, 2)],
    affected: [ref, ...f.affected_resources],
    facts: { networkPolicy: policy.metadata?.name ?? '', host: dep.host, ...(dep.port ? { port: dep.port } : {}), pod: source.metadata?.name ?? '' },
  });
}
