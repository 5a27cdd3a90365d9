import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { whyNotDecide } from '../../web/src/action-rights.js';
import { diffLines, withoutNulls } from '../../web/src/json-diff.js';
import { stepsOf, type LedgerEvent } from '../../web/src/steps.js';

/**
 * The panel's pure view models, without a browser: the Ask page's step list from a real ask
 * run's ledger (test/fixtures/panel-ask-ledger.json: the events of the demo question on a real
 * `syntra up`, findings trimmed to their types), the control editor's diff, and who may decide an action.
 */
const LEDGER = JSON.parse(readFileSync(new URL('../fixtures/panel-ask-ledger.json', import.meta.url), 'utf8')) as LedgerEvent[];

describe('the Ask page’s steps', () => {
  it('shows the five agent steps of a finished run, each with its outcome and what it found', () => {
    const steps = stepsOf(LEDGER);
    expect(steps.map((s) => [s.step, s.agent, s.status, s.outcome])).toEqual([
      ['plan', 'planner', 'done', 'diagnose_pod'],
      ['collect_evidence', 'evidence_collector', 'done', '3 pods, 3 services, 90 log lines'],
      ['analyze', 'incident_analyst', 'done', 'service_no_endpoints'],
      ['review', 'reviewer', 'done', 'approved'],
      ['report', 'reporter', 'done', 'service_no_endpoints'],
    ]);
    expect(steps[0]!.notes).toEqual(['intent diagnose_pod: deployment auth-service has 3 pod(s)', 'decision: proceed']);
    expect(steps[1]!.notes.join(' ')).toMatch(/evidence collected: 3 pods, 13 events/);
    expect(steps[3]!.notes).toContain('write command marked for approval: kubectl -n production scale deployment/postgres --replicas=1');
    expect(steps[4]!.notes[0]).toMatch(/^incident: service no endpoints/);
  });

  it('shows a run part-way: finished steps done, the one that started running, none that did not start', () => {
    const cut = LEDGER.findIndex((e) => e.type === 'agent.step.started' && e.data?.step === 'analyze');
    const steps = stepsOf(LEDGER.slice(0, cut + 1));
    expect(steps.map((s) => `${s.step}:${s.status}`)).toEqual(['plan:done', 'collect_evidence:done', 'analyze:running']);
  });

  it('marks a failed step with its error, and a retried step as a new attempt', () => {
    const at = '2026-01-01T00:00:00Z';
    const steps = stepsOf([
      { seq: 1, type: 'agent.step.started', data: { step: 'analyze', agent: 'incident_analyst' }, createdAt: at },
      { seq: 2, type: 'agent.step.failed', data: { step: 'analyze', agent: 'incident_analyst', error: 'provider timed out' }, createdAt: at },
      { seq: 3, type: 'agent.step.started', data: { step: 'analyze', agent: 'incident_analyst' }, createdAt: at },
    ]);
    expect(steps.map((s) => [s.status, s.outcome])).toEqual([
      ['failed', 'provider timed out'],
      ['running', undefined],
    ]);
  });
});

describe('the control editor’s diff against the active version', () => {
  const active = { rules: [{ match: { intent: null, taskType: 'analyze' }, target: { provider: 'default', model: null }, priority: 0 }] };

  it('lists changed, added and removed leaves by path, ignoring the nulls GraphQL adds', () => {
    const before = withoutNulls(active);
    expect(diffLines(before, before)).toEqual([]);
    const edited = { rules: [{ match: { taskType: 'analyze' }, target: { provider: 'openai', model: 'gpt-4o' } }, { match: {}, target: { provider: 'default' } }] };
    expect(diffLines(before, edited)).toEqual([
      '- rules[0].priority: 0',
      '~ rules[0].target.provider: "default" → "openai"',
      '+ rules[0].target.model: "gpt-4o"',
      '+ rules[1].match: {}',
      '+ rules[1].target.provider: "default"',
    ]);
  });
});

describe('who may approve or reject an action, as the panel explains it', () => {
  const pending = { status: 'pending_approval', namespace: 'production', requestedByUser: 'u-alice', expired: false };
  const operator = { userId: 'u-bob', permissions: ['kubernetes:read', 'kubernetes:write'], namespaces: null, keyType: null };

  it('offers the decision to another person with kubernetes:write', () => {
    expect(whyNotDecide(pending, operator)).toBeNull();
  });

  it.each([
    ['a viewer', pending, { ...operator, permissions: ['kubernetes:read'] }, /needs kubernetes:write/],
    ['a sk_test_ key', pending, { ...operator, keyType: 'test' }, /sk_test_/],
    ['the person who proposed it', pending, { ...operator, userId: 'u-alice' }, /You proposed it/],
    ['a namespace-limited caller on a node', { ...pending, namespace: null }, { ...operator, namespaces: ['production'] }, /cluster-scoped/],
    ['an action not dry-run yet', { ...pending, status: 'proposed' }, operator, /dry-run has not run/],
    ['a decided action', { ...pending, status: 'approved' }, operator, /It is approved/],
    ['an expired approval window', { ...pending, expired: true }, operator, /expired/],
  ])('explains why not to %s', (_who, action, me, why) => {
    expect(whyNotDecide(action, me)).toMatch(why);
  });
});
