import { describe, expect, it } from 'vitest';
import type { ClusterIndex } from '../../../src/investigator/planner/cluster-index.js';
import { bestMatches, editDistance } from '../../../src/investigator/cluster/name-match.js';
import { planRequest } from '../../../src/investigator/planner/rule-planner.js';
import { stepsFor } from '../../../src/agents/steps.js';

const deployment = (name: string, namespace: string) => ({ kind: 'Deployment' as const, name, namespace });
const pod = (name: string, namespace: string, wl?: string) => ({
  name,
  namespace,
  ...(wl ? { workload: { kind: 'Deployment' as const, name: wl } } : {}),
});

const index: ClusterIndex = {
  namespaces: ['default', 'production', 'staging', 'kube-system'],
  workloads: [
    deployment('auth-service', 'production'),
    deployment('postgres', 'production'),
    deployment('payment-worker', 'production'),
    deployment('auth-service', 'staging'),
    deployment('web', 'staging'),
    deployment('web-admin', 'staging'),
  ],
  pods: [
    pod('auth-service-7d9f8b6c5d-x2k4p', 'production', 'auth-service'),
    pod('auth-service-7d9f8b6c5d-m8n2q', 'production', 'auth-service'),
    pod('auth-service-7d9f8b6c5d-r5t7w', 'production', 'auth-service'),
    pod('payment-worker-5b6c7d8e9f-abcde', 'production', 'payment-worker'),
    pod('auth-service-6c8d9e7f4b-zzzzz', 'staging', 'auth-service'),
    pod('debug-shell', 'default'),
  ],
};

describe('rule planner', () => {
  it('resolves the demo question: pods of deployment auth-service in production', () => {
    const plan = planRequest({ prompt: 'Investigate why the auth-service pod is crashing in production' }, index);
    expect(plan.intent).toBe('diagnose_pod');
    expect(plan.required_info).toBeUndefined();
    expect(plan.params).toMatchObject({ namespace: 'production', workload: { kind: 'Deployment', name: 'auth-service' } });
    expect(plan.params.pods).toHaveLength(3);
    expect(plan).not.toHaveProperty('steps');
    expect(stepsFor(plan.intent).map((s) => s.task)).toEqual(['plan', 'collect_evidence', 'analyze', 'review', 'report']);
    expect(plan.method).toBe('rule_based');
  });

  it.each([
    ['why is auth-service crashing in prod?', 'production', 'namespace "prod" → "production" (alias match)'],
    ['why is auth-service crashing in stg', 'staging', 'namespace "stg" → "staging" (alias match)'],
    ['why is auth-service crashing in the productoin namespace', 'production', 'namespace "productoin" → "production" (typo match)'],
  ])('%s → namespace %s, and says why', (prompt, namespace, note) => {
    const plan = planRequest({ prompt }, index);
    expect(plan.params.namespace).toBe(namespace);
    expect(plan.notes).toContain(note);
    expect(plan.intent).toBe('diagnose_workload');
  });

  it('asks for the namespace when a name exists in several, listing the candidates', () => {
    const plan = planRequest({ prompt: 'why is auth-service crashing?' }, index);
    expect(plan.required_info).toEqual(['namespace']);
    expect(plan.hint).toContain('production');
    expect(plan.hint).toContain('staging');
  });

  it('infers the namespace when the name exists in only one, and records it', () => {
    const plan = planRequest({ prompt: 'payment-worker keeps restarting' }, index);
    expect(plan.params.namespace).toBe('production');
    expect(plan.notes.some((n) => n.includes('inferred'))).toBe(true);
  });

  it('targets one pod by its exact name', () => {
    const plan = planRequest({ prompt: 'diagnose pod auth-service-7d9f8b6c5d-m8n2q' }, index);
    expect(plan.intent).toBe('diagnose_pod');
    expect(plan.params).toMatchObject({ namespace: 'production', pods: ['auth-service-7d9f8b6c5d-m8n2q'], workload: { name: 'auth-service' } });
  });

  it('explicit parameters win over the prompt', () => {
    const plan = planRequest({ prompt: 'why is it crashing', namespace: 'staging', podName: 'auth-service' }, index);
    expect(plan.params).toMatchObject({ namespace: 'staging', workload: { name: 'auth-service' } });
  });

  it('an unknown explicit namespace is reported, not guessed', () => {
    const plan = planRequest({ prompt: 'why is auth-service crashing', namespace: 'qa-eu' }, index);
    expect(plan.required_info).toEqual(['namespace']);
    expect(plan.hint).toMatch(/does not exist.*production/);
  });

  it('an unknown pod name asks for the pod', () => {
    const plan = planRequest({ prompt: 'diagnose', namespace: 'production', podName: 'nginx' }, index);
    expect(plan.required_info).toEqual(['pod_name']);
  });

  it('an ambiguous prefix lists the candidates', () => {
    const plan = planRequest({ prompt: 'why is web down', namespace: 'staging' }, index);
    expect(plan.params.workload?.name).toBe('web');
    const ambiguous = planRequest({ prompt: 'why is we down', namespace: 'staging' }, index);
    expect(ambiguous.required_info ?? []).not.toContain('namespace');
  });

  it('a question with nothing to go on asks for the namespace and lists them', () => {
    const plan = planRequest({ prompt: 'something is crashing' }, index);
    expect(plan.required_info).toEqual(['namespace']);
    expect(plan.hint).toContain('kube-system');
  });

  it.each([
    ["what's wrong in production?", 'namespace_overview'],
    ['give me an overview of the staging namespace', 'namespace_overview'],
    ['production', 'namespace_overview'],
    ['collect logs and events for payment-worker', 'collect_evidence'],
    ['help', 'general_help'],
    ['what can you do?', 'general_help'],
  ])('%s → %s', (prompt, intent) => {
    expect(planRequest({ prompt }, index).intent).toBe(intent);
  });

  it('a workload the question names but the cluster lacks is not found, never the namespace\'s other problems', () => {
    const plan = planRequest({ prompt: 'why is payments-api crashing in production?' }, index);
    expect(plan.required_info).toEqual(['pod_name']);
    expect(plan.hint).toMatch(/no workload or pod named "payments-api" in namespace production\. Closest names: .*payment-worker/);
    expect(plan.intent).not.toBe('namespace_overview');
    const byKind = planRequest({ prompt: 'what is wrong with deployment billing in production' }, index);
    expect(byKind.hint).toMatch(/no workload or pod named "billing"/);
    // Without a name, the question is about the namespace.
    expect(planRequest({ prompt: "what's wrong in production?" }, index).intent).toBe('namespace_overview');
  });

  it('explain quotes the error text', () => {
    const plan = planRequest({ prompt: 'what does "CrashLoopBackOff" mean?' }, index);
    expect(plan.intent).toBe('explain');
    expect(plan.params.errorText).toBe('CrashLoopBackOff');
    expect(stepsFor(plan.intent).map((s) => s.task)).toEqual(['plan', 'report']);
  });
});

describe('name matching', () => {
  it.each([
    ['production', ['production', 'staging'], 'exact', ['production']],
    ['prod', ['production', 'staging'], 'alias', ['production']],
    ['auth', ['auth-service', 'auth-proxy', 'web'], 'prefix', ['auth-service', 'auth-proxy']],
    ['stagign', ['production', 'staging'], 'typo', ['staging']],
  ] as const)('%s in %j → %s %j', (typed, names, tier, expected) => {
    expect(bestMatches(typed, names)).toEqual({ tier, names: expected });
  });

  it('finds nothing for an unrelated name, and refuses typos on short words', () => {
    expect(bestMatches('zz', ['production'])).toBeUndefined();
    expect(bestMatches('prdo', ['prod-eu'])).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
