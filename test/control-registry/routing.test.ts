import { describe, expect, it } from 'vitest';
import {
  arbiterFor,
  builtinState,
  DEFAULT_ROUTING_RULES,
  renderPrompt,
  resolveRoute,
  templateVariables,
  toSnapshot,
  withoutRule,
  withRule,
  type RoutingRule,
} from '../../src/control-plane/control-registry/index.js';

const target = (model: string) => ({ provider: 'openai', model });
const rule = (match: RoutingRule['match'], model: string, priority = 0): RoutingRule => ({ match, target: target(model), priority });

describe('resolveRoute precedence', () => {
  const rules: RoutingRule[] = [
    rule({}, 'catch-all'),
    rule({ intent: 'diagnose_pod' }, 'by-intent'),
    rule({ taskType: 'analyze' }, 'by-task'),
    rule({ intent: 'diagnose_pod', taskType: 'analyze' }, 'both'),
    rule({ intent: 'explain' }, 'explain-low', -1),
    rule({ taskType: 'review' }, 'review-first'),
    rule({ taskType: 'review' }, 'review-second-same-specificity', 0),
    rule({ intent: 'general_help' }, 'help'),
    rule({}, 'urgent-catch-all', 10),
  ];
  const snap = { routingRules: rules.filter((r) => r.target.model !== 'urgent-catch-all') };

  it.each([
    [{ intent: 'diagnose_pod', taskType: 'analyze' }, 'both'],
    [{ intent: 'diagnose_pod', taskType: 'plan' }, 'by-intent'],
    [{ intent: 'namespace_overview', taskType: 'analyze' }, 'by-task'],
    [{ intent: 'namespace_overview' }, 'catch-all'],
    [{}, 'catch-all'],
    // a lower priority loses to the catch-all even though it is more specific
    [{ intent: 'explain' }, 'catch-all'],
    // equal priority and specificity: the earlier rule
    [{ taskType: 'review' }, 'review-first'],
    // intent and taskType both specific, one field each: the earlier rule
    [{ intent: 'general_help', taskType: 'analyze' }, 'by-task'],
  ])('%j → %s', (query, model) => {
    expect(resolveRoute(snap, query)?.model).toBe(model);
  });

  it('a higher priority beats specificity', () => {
    expect(resolveRoute({ routingRules: rules }, { intent: 'diagnose_pod', taskType: 'analyze' })?.model).toBe('urgent-catch-all');
  });

  it('the built-ins route analyze, and nothing else, to the configured provider and its model', () => {
    const builtins = toSnapshot(0, builtinState());
    expect(builtins.routingRules).toEqual(DEFAULT_ROUTING_RULES);
    expect(resolveRoute(builtins, { intent: 'diagnose_pod', taskType: 'analyze' })).toEqual({ provider: 'default' });
    expect(resolveRoute(builtins, { intent: 'namespace_overview', taskType: 'analyze' })).toEqual({ provider: 'default' });
    expect(resolveRoute(builtins, { intent: 'plan', taskType: 'plan' })).toBeUndefined();
    expect(resolveRoute(builtins, { taskType: 'review' })).toBeUndefined();
    expect(resolveRoute(builtins, { intent: 'diagnose_pod' })).toBeUndefined();
  });

  it('no rules or no match → undefined: rules-only mode', () => {
    expect(resolveRoute({ routingRules: [] }, { intent: 'diagnose_pod', taskType: 'analyze' })).toBeUndefined();
    expect(resolveRoute({ routingRules: [rule({ intent: 'explain' }, 'x')] }, { intent: 'diagnose_pod' })).toBeUndefined();
    // a rule that constrains a field the request does not carry does not match
    expect(resolveRoute({ routingRules: [rule({ taskType: 'analyze' }, 'x')] }, { intent: 'diagnose_pod' })).toBeUndefined();
  });
});

describe('setting and removing one rule of a set (syntra control routes)', () => {
  const analyze = rule({ taskType: 'analyze' }, 'a');
  const plan = rule({ intent: 'plan', taskType: 'plan' }, 'p');

  it('set replaces the rule of the same match in place, or appends a new one', () => {
    const replaced = withRule([analyze, plan], rule({ taskType: 'analyze' }, 'a2', 5));
    expect(replaced.map((r) => [r.target.model, r.priority])).toEqual([['a2', 5], ['p', 0]]);
    expect(withRule([analyze], plan)).toEqual([analyze, plan]);
    // A match with an intent is a different rule from the same taskType without one.
    expect(withRule([analyze], rule({ intent: 'explain', taskType: 'analyze' }, 'e'))).toHaveLength(2);
    // Several rules of one match (different priorities, set through the API) become one.
    expect(withRule([analyze, plan, rule({ taskType: 'analyze' }, 'a-low', -5)], rule({ taskType: 'analyze' }, 'only'))).toEqual([rule({ taskType: 'analyze' }, 'only'), plan]);
  });

  it('remove drops every rule of the match and says what it removed', () => {
    expect(withoutRule([analyze, plan], { taskType: 'analyze' })).toEqual({ rules: [plan], removed: [analyze] });
    expect(withoutRule([analyze, plan], { taskType: 'plan' })).toEqual({ rules: [analyze, plan], removed: [] });
    expect(withoutRule([rule({}, 'catch-all'), analyze], {})).toEqual({ rules: [analyze], removed: [rule({}, 'catch-all')] });
  });
});

describe('prompts and arbiters in a snapshot', () => {
  const snap = toSnapshot(0, builtinState());

  it('every built-in template declares exactly the variables it uses', () => {
    for (const p of Object.values(snap.prompts)) expect(templateVariables(p.template).sort()).toEqual([...p.variables].sort());
  });

  it('renders declared variables literally and refuses missing ones', () => {
    const p = snap.prompts['analyst.request']!;
    const text = renderPrompt(p, { question: 'why $& crash?', rule_findings: 'none', evidence: 'OOMKilled' });
    expect(text).toContain('Question: why $& crash?');
    expect(text).not.toMatch(/\{\{/);
    expect(() => renderPrompt(p, { question: 'q' })).toThrow(/rule_findings, evidence/);
  });

  it('arbiterFor falls back to the default policy', () => {
    expect(arbiterFor(snap, 'nonexistent')).toEqual(snap.arbiters.default);
    expect(arbiterFor(snap).confidenceThreshold).toBe(0.7);
  });
});
