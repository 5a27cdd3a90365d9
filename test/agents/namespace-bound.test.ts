import { describe, expect, it } from 'vitest';
import { assertPlanInBound, assertScopeInBound, boundIndex, boundQuestion } from '../../src/agents/namespace-bound.js';
import type { ClusterIndex } from '../../src/investigator/planner/cluster-index.js';
import type { Plan } from '../../src/investigator/planner/plan.js';

/** The namespace bound of a run, on its own: what the planner may see and what a plan may name. */
const index: ClusterIndex = {
  namespaces: ['production', 'staging'],
  workloads: [
    { kind: 'Deployment', name: 'auth-service', namespace: 'production' },
    { kind: 'Deployment', name: 'auth-service', namespace: 'staging' },
    { kind: 'Deployment', name: 'payment-worker', namespace: 'production' },
  ],
  pods: [
    { name: 'auth-service-7d9f8b6c5d-m8n3q', namespace: 'production' },
    { name: 'auth-service-5c6d7f8b9-lq2rx', namespace: 'staging' },
  ],
};

const plan = (namespace?: string): Plan => ({ intent: 'namespace_overview', params: namespace ? { namespace } : {}, method: 'llm', notes: [] });

describe('boundIndex', () => {
  it.each([
    'why is auth-service crashing in production?',
    'what is wrong in prod',
    'payment-worker keeps restarting, namespace production',
    'kubectl get pods -n production shows CrashLoopBackOff',
    'is production ok?',
  ])('refuses %j from a staging run, naming production', (prompt) => {
    expect(() => boundIndex({ prompt }, index, 'staging')).toThrow(/namespace "production".*limited to namespace "staging"/);
  });

  it('refuses an explicit namespace other than the run’s, also one that does not exist', () => {
    expect(() => boundIndex({ prompt: 'why is auth-service crashing?', namespace: 'production' }, index, 'staging')).toThrow(/"production"/);
    expect(() => boundIndex({ prompt: 'why is auth-service crashing?', namespace: 'nowhere' }, index, 'staging')).toThrow(/"nowhere"/);
  });

  it('keeps only the run’s namespace for a question about it, or about nothing in particular', () => {
    for (const q of [{ prompt: 'why is auth-service crashing in staging?' }, { prompt: 'why is auth-service crashing?' }, { prompt: 'is stg ok', namespace: 'staging' }]) {
      const bounded = boundIndex(q, index, 'staging');
      expect(bounded.namespaces).toEqual(['staging']);
      expect(bounded.workloads.map((w) => w.namespace)).toEqual(['staging']);
      expect(bounded.pods.map((p) => p.name)).toEqual(['auth-service-5c6d7f8b9-lq2rx']);
    }
  });

  it('leaves an unbounded run (a caller who may read every namespace) alone', () => {
    expect(boundIndex({ prompt: 'why is auth-service crashing in production?' }, index, null)).toBe(index);
    expect(boundQuestion({ prompt: 'x' }, null)).toEqual({ prompt: 'x' });
    expect(boundQuestion({ prompt: 'x' }, 'staging')).toEqual({ prompt: 'x', namespace: 'staging' });
  });
});

describe('plans and scopes', () => {
  it('refuses a plan (e.g. a model’s) for another namespace, accepts one for the run’s', () => {
    expect(() => assertPlanInBound(plan('production'), 'staging')).toThrow(/"production"/);
    expect(() => assertPlanInBound(plan('staging'), 'staging')).not.toThrow();
    expect(() => assertPlanInBound(plan('production'), null)).not.toThrow();
  });

  it('never lets a bounded run collect the whole cluster', () => {
    expect(() => assertScopeInBound(undefined, 'staging')).toThrow(/whole cluster/);
    expect(() => assertScopeInBound('production', 'staging')).toThrow(/"production"/);
    expect(() => assertScopeInBound(undefined, null)).not.toThrow();
  });
});
