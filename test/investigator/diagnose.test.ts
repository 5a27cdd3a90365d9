import { describe, expect, it } from 'vitest';
import { ROOT_CAUSE_TYPES } from '../../src/domain/diagnosis.js';
import { isSyntraError } from '../../src/domain/errors.js';
import { diagnose, diagnoseAll } from '../../src/investigator/diagnose.js';
import { overview } from '../../src/investigator/overview.js';
import { loadDiagnosisCorpus } from '../fixtures/diagnosis/corpus.js';
import { loadRealCorpus } from '../fixtures/diagnosis/real/corpus.js';

const corpus = loadDiagnosisCorpus();
const WRITE_VERBS = /\bkubectl\b.*\b(delete|scale|apply|patch|edit|create|label|annotate|set|rollout (undo|restart)|cordon|drain)\b/;

describe('diagnosis corpus', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = diagnose(c.snapshot, c.target);
    expect(d.root_cause.type).toBe(c.expect.type);
    for (const s of c.expect.summaryContains) expect(d.root_cause.summary).toContain(s);
    for (const s of c.expect.evidenceContains ?? []) expect(d.root_cause.evidence.map((e) => e.value).join('\n')).toContain(s);
    // The contract every client relies on.
    expect(d.findings[0]).toMatchObject({ type: d.root_cause.type, summary: d.root_cause.summary });
    expect(d.root_cause.confidence).toBeGreaterThan(0);
    expect(d.root_cause.confidence).toBeLessThanOrEqual(1);
    expect(d.root_cause.evidence.length).toBeGreaterThan(0);
    expect(d.affected_resources[0]).toMatchObject({ kind: c.target.kind, name: c.target.name });
    for (const f of d.findings) {
      for (const cmd of f.remediation.verification) expect(cmd).not.toMatch(WRITE_VERBS);
      for (const w of f.remediation.writes ?? []) expect(f.remediation.immediate).toContain(`(write) ${w}`);
      expect(Object.keys(f)).not.toContain('subject');
    }
  });

  it('has at least one case for every root-cause type (in this corpus or the real-world one)', () => {
    const covered = new Set<string>([...corpus.map((c) => c.expect.type), ...loadRealCorpus().flatMap((c) => c.label.types)]);
    expect(ROOT_CAUSE_TYPES.filter((t) => !covered.has(t))).toEqual([]);
  });

  it('calibrates confidence: exact evidence high, weak evidence low', () => {
    const conf = (name: string) => diagnose(corpus.find((c) => c.name === name)!.snapshot, corpus.find((c) => c.name === name)!.target).root_cause.confidence;
    expect(conf('oom-killed-java')).toBeGreaterThanOrEqual(0.85);
    expect(conf('service-no-endpoints-python-psycopg2')).toBeGreaterThanOrEqual(0.85);
    expect(conf('crash-loop-no-cause')).toBeLessThanOrEqual(0.7);
    expect(conf('unknown-exited-no-logs')).toBeLessThanOrEqual(0.6);
  });
});

describe('causality', () => {
  it('a crash loop on connection refused is a symptom of the service without endpoints', () => {
    const c = corpus.find((x) => x.name === 'service-no-endpoints-python-psycopg2')!;
    const d = diagnose(c.snapshot, c.target);
    expect(d.root_cause.detection_method).toBe('rule_based');
    expect(d.root_cause.evidence.some((e) => e.kind === 'log' && e.value.includes('Connection refused'))).toBe(true);
    expect(d.root_cause.evidence.some((e) => e.resource?.kind === 'Endpoints' && e.resource.name === 'orders-db')).toBe(true);
    expect(d.findings.map((f) => f.type)).toContain('dependency_unreachable');
    expect(d.findings[0]!.explains?.map((r) => r.name)).toEqual(expect.arrayContaining(['orders-api-5f7c9d8b4-2xq9m', 'orders-api-5f7c9d8b4-8kz7w']));
    expect(d.remediation.verification).toContain('kubectl -n shop get endpoints orders-db');
  });

  it('merges the same failure of sibling pods into one finding naming all of them', () => {
    const c = corpus.find((x) => x.name === 'service-no-endpoints-python-psycopg2')!;
    const dep = diagnose(c.snapshot, c.target).findings.filter((f) => f.type === 'dependency_unreachable');
    expect(dep).toHaveLength(1);
    expect(dep[0]!.affected_resources.map((r) => r.name).sort()).toEqual(['orders-api-5f7c9d8b4-2xq9m', 'orders-api-5f7c9d8b4-8kz7w']);
  });

  it('without the explaining service the same crash stays dependency_unreachable', () => {
    const c = corpus.find((x) => x.name === 'service-no-endpoints-python-psycopg2')!;
    const snapshot = { ...c.snapshot, services: [], endpoints: [] };
    expect(diagnose(snapshot, c.target).root_cause.type).toBe('dependency_unreachable');
  });
});

describe('diagnoseAll and overview', () => {
  const all = corpus.find((x) => x.name === 'service-no-endpoints-python-psycopg2')!;

  it('groups pods under their workload and lists each unhealthy resource once', () => {
    const ds = diagnoseAll(all.snapshot, { namespace: 'shop' });
    const targets = ds.map((d) => `${d.target.kind}/${d.target.name}`);
    expect(targets).toContain('Deployment/orders-api');
    expect(targets).toContain('Service/orders-db');
    expect(targets.filter((t) => t.startsWith('Pod/'))).toEqual([]);
    expect(new Set(targets).size).toBe(targets.length);
    expect(ds[0]!.root_cause.type).toBe('service_no_endpoints');
  });

  it('counts pods by state and names the top problems', () => {
    const o = overview(all.snapshot, 'shop');
    expect(o.pods).toEqual({ total: 3, byStatus: { CrashLoopBackOff: 2, Running: 1 } });
    expect(o.workloads).toMatchObject({ unhealthy: 1 });
    expect(o.topProblems[0]).toMatchObject({ type: 'service_no_endpoints' });
    expect(o.byRootCause.service_no_endpoints).toBe(2);
  });

  it('a healthy namespace has no diagnoses', () => {
    const healthy = corpus.find((x) => x.name === 'healthy-deployment')!;
    expect(diagnoseAll(healthy.snapshot, { namespace: 'edge' })).toEqual([]);
    expect(overview(healthy.snapshot, 'edge').topProblems).toEqual([]);
  });
});

describe('targets', () => {
  const c = corpus.find((x) => x.name === 'oom-killed-java')!;

  it('accepts kubectl kind aliases', () => {
    expect(diagnose(c.snapshot, { kind: 'deploy', name: 'billing-api', namespace: 'payments' }).root_cause.type).toBe('oom_killed');
    expect(diagnose(c.snapshot, { kind: 'po', name: 'billing-api-7b9c5d6f8-k2m4n', namespace: 'payments' }).target.kind).toBe('Pod');
  });

  it('a target missing from the evidence is a not_found error naming it', () => {
    try {
      diagnose(c.snapshot, { kind: 'Deployment', name: 'nope', namespace: 'payments' });
      expect.unreachable();
    } catch (e) {
      expect(isSyntraError(e) && e.code === 'not_found' && e.message.includes('nope')).toBe(true);
    }
  });

  it('without a target diagnoses the most important problem', () => {
    expect(diagnose(c.snapshot).target).toMatchObject({ kind: 'Deployment', name: 'billing-api' });
  });
});
