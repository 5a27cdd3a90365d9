import { describe, expect, it } from 'vitest';
import { describeAgents } from '../../src/agents/catalogue.js';
import { builtinState, toSnapshot } from '../../src/control-plane/control-registry/index.js';
import { createProviderRegistry } from '../../src/llm/factory.js';

/** GET /api/agents: which step may ask a model under the built-in routes, with and without a configured provider. */
describe('the agents as clients see them', () => {
  const builtins = toSnapshot(0, builtinState());
  const modes = (env: Record<string, string>) => {
    const providers = createProviderRegistry(env);
    return Object.fromEntries(describeAgents(builtins, (name) => providers.get(name) !== undefined).map((a) => [a.name, [a.mode, a.model]]));
  };

  it('without a provider every step is rules-only (the analyst keeps its route, which cannot run here)', () => {
    expect(modes({})).toEqual({
      planner: ['rules-only', null],
      evidence_collector: ['no-model', null],
      incident_analyst: ['rules-only', { provider: 'default' }],
      reviewer: ['no-model', null],
      reporter: ['no-model', null],
    });
  });

  it('with SYNTRA_LLM_PROVIDER only the analyst is model-assisted', () => {
    const m = modes({ SYNTRA_LLM_PROVIDER: 'ollama' });
    expect(m.incident_analyst).toEqual(['model-assisted', { provider: 'default' }]);
    expect(m.planner).toEqual(['rules-only', null]);
  });
});
