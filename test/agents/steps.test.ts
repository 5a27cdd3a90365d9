import { describe, expect, it } from 'vitest';
import { AGENTS } from '../../src/agents/catalogue.js';
import type { AgentDeps } from '../../src/agents/deps.js';
import { KUBERNETES_CONTROL_CONTENT } from '../../src/agents/kubernetes/index.js';
import type { StateWith } from '../../src/agents/hand-off.js';
import { registerAgents } from '../../src/agents/register.js';
import { handOff, readStateFor } from '../../src/agents/step-runner.js';
import { AGENT_TASK_TYPES, nextStep, STEPS, stepsFor } from '../../src/agents/steps.js';
import { builtinState } from '../../src/control-plane/control-registry/index.js';
import { TaskHandlerRegistry } from '../../src/worker/registry.js';

/** The pipeline as one table: what derives from it, and the checked hand-off between steps. */
const state: StateWith<'evidence'> = {
  question: { prompt: 'why is auth-service crashing in production', namespace: 'production' },
  plan: { intent: 'diagnose_workload', params: { namespace: 'production', workload: { kind: 'Deployment', name: 'auth-service' } }, method: 'rule_based', notes: [] },
  controlVersion: 0,
  pass: 1,
  evidence: {
    artifact: { name: 'evidence.json', version: 1, sha256: 'a'.repeat(64) },
    summary: { source: 'demo', namespace: 'production', targets: [], owners: [], pods: [], services: [], events: [], logs: [], counts: { pods: 0, services: 0, events: 0, logLines: 0 }, warnings: [] },
    wide: false,
  },
};

describe('the step table', () => {
  it('gives the task types, the catalogue and the registration, in order', () => {
    expect(AGENT_TASK_TYPES).toEqual(['ask', 'collect_evidence', 'analyze', 'review', 'report']);
    expect(AGENTS.map((a) => [a.name, a.taskType, a.description])).toEqual(STEPS.map((s) => [s.agent, s.task, s.description]));
    const registry = registerAgents(new TaskHandlerRegistry(), {} as AgentDeps, ['analyze', 'report']);
    expect(registry.types()).toEqual(['analyze', 'report']);
  });

  it('orders the steps of each intent (planning only names the intent)', () => {
    expect(stepsFor('diagnose_pod').map((s) => s.task)).toEqual(['plan', 'collect_evidence', 'analyze', 'review', 'report']);
    expect(stepsFor('collect_evidence').map((s) => s.task)).toEqual(['plan', 'collect_evidence', 'report']);
    expect(stepsFor('explain').map((s) => s.task)).toEqual(['plan', 'report']);
    expect(nextStep('explain', 'ask')).toBe('report');
    expect(nextStep('collect_evidence', 'collect_evidence')).toBe('report');
    expect(nextStep('namespace_overview', 'analyze')).toBe('review');
    expect(nextStep('diagnose_pod', 'report')).toBeUndefined();
  });
});

describe('the hand-off between steps', () => {
  it('queues a state that has what the next step needs, as plain JSON', () => {
    const f = handOff('analyze', state);
    expect(f.taskType).toBe('analyze');
    expect(JSON.parse(JSON.stringify(f.input))).toEqual(state);
    expect(readStateFor('analyze', f.input).evidence.artifact.name).toBe('evidence.json');
  });

  it('refuses to hand a step a state without what it needs (the sender finds the bug)', () => {
    expect(() => handOff('review', state as never)).toThrow(/hand-off to review: the state has no analysis/);
  });

  it('refuses a malformed task input on the receiving side, naming the field, not retryable', () => {
    const bad = { ...state, plan: { ...state.plan, intent: 'delete_everything' } };
    let error: unknown;
    try {
      readStateFor('analyze', bad);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'validation_failed', retryable: false, message: expect.stringMatching(/input of analyze: not a pipeline state \(\/plan\/intent/) });
    expect(() => readStateFor('report', { ...state, extra: 1 })).toThrow(/not a pipeline state/);
    expect(() => readStateFor('report', 'text')).toThrow(/not a pipeline state/);
  });

  it('reads a state queued by an older build (no pass, a step list in the plan)', () => {
    const { pass: _p, ...old } = state;
    const read = readStateFor('report', { ...old, plan: { ...state.plan, steps: [{ task: 'plan' }] } });
    expect(read.pass).toBe(0);
  });
});

describe('the Kubernetes content of the registry', () => {
  it('lives in src/agents and is what version 0 holds', () => {
    const v0 = builtinState();
    expect(Object.keys(v0.prompts).sort()).toEqual(KUBERNETES_CONTROL_CONTENT.prompts.map((p) => p.name).sort());
    expect(Object.keys(v0.tools)).toEqual(KUBERNETES_CONTROL_CONTENT.tools.map((t) => t.name));
    expect(builtinState({ prompts: [], skills: [], tools: [] }).tools).toEqual({});
  });
});
