import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import { diagnose, diagnoseAll } from '../../src/investigator/diagnose.js';
import { demoSource } from '../../src/investigator/sources/demo-cluster/index.js';
import type { ClusterSnapshot } from '../../src/investigator/cluster/snapshot.js';

describe('diagnosis of the bundled demo cluster', () => {
  let snapshot: ClusterSnapshot;
  const of = (name: string): Diagnosis => diagnose(snapshot, { kind: 'Deployment', name, namespace: 'production' });

  beforeAll(async () => {
    snapshot = await demoSource().collect({ namespace: 'production' });
  });

  it('auth-service: postgres has no endpoints, with the refused connection and the endpoints as evidence', () => {
    const d = of('auth-service');
    expect(d.root_cause.type).toBe('service_no_endpoints');
    expect(d.root_cause.summary).toContain('Service postgres');
    expect(d.root_cause.summary).toContain('scaled to 0');
    const evidence = d.root_cause.evidence;
    expect(evidence.some((e) => e.kind === 'log' && /Connection refused: postgres\.production\.svc|ECONNREFUSED/.test(e.value))).toBe(true);
    expect(evidence.some((e) => e.resource?.kind === 'Endpoints' && e.resource.name === 'postgres')).toBe(true);
    expect(d.findings.find((f) => f.type === 'dependency_unreachable')?.affected_resources).toHaveLength(3);
    expect(d.remediation.verification).toContain('kubectl -n production get endpoints postgres');
  });

  it('payment-worker: OOMKilled', () => {
    expect(of('payment-worker').root_cause).toMatchObject({ type: 'oom_killed' });
    expect(of('payment-worker').root_cause.summary).toContain('256Mi');
  });

  it('frontend: image pull error naming the image', () => {
    const d = of('frontend');
    expect(d.root_cause.type).toBe('image_pull_error');
    expect(d.root_cause.summary).toContain('registry.example.com/frontend:v2.3.1-typo');
  });

  it('analytics-batch: insufficient resources', () => {
    const d = diagnose(snapshot, { kind: 'CronJob', name: 'analytics-batch', namespace: 'production' });
    expect(d.root_cause.type).toBe('unschedulable_insufficient_resources');
  });

  it('notification-service: missing secret smtp-credentials', () => {
    const d = of('notification-service');
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toContain('smtp-credentials');
  });

  it('api-gateway: no issue found', () => {
    expect(of('api-gateway').root_cause.type).toBe('no_issue_found');
  });

  it('the namespace lists the postgres explanation first and no healthy workload', () => {
    const all = diagnoseAll(snapshot, { namespace: 'production' });
    expect(all[0]).toMatchObject({ target: { name: 'auth-service' }, root_cause: { type: 'service_no_endpoints' } });
    const names = all.map((d) => d.target.name);
    for (const healthy of ['api-gateway', 'redis', 'log-shipper']) expect(names).not.toContain(healthy);
  });

  it('finds a target named without its namespace, and refuses to pick between namespaces', async () => {
    const everything = await demoSource().collect({});
    expect(diagnose(everything, { kind: 'deploy', name: 'payment-worker' }).target).toMatchObject({ namespace: 'production' });
    expect(() => diagnose(everything, { kind: 'Deployment', name: 'auth-service' })).toThrow(/exists in namespaces production, staging/);
  });
});
