import { describe, expect, it } from 'vitest';
import {
  activatePrompt,
  getSnapshot,
  history,
  registerSkill,
  registerTool,
  removeSkill,
  removeTool,
  updateArbiter,
  updateRoutingRules,
} from '../../src/control-plane/control-registry/index.js';
import { useTestDatabase } from '../helpers/db.js';

const by = { actor: 'carol', reason: 'testing validation' };
type Anything = never;

describe('control registry validation', () => {
  const t = useTestDatabase();

  const rejects = async (p: Promise<unknown>, code = 'validation_failed', message?: RegExp) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code });
    if (message) expect((err as Error).message).toMatch(message);
  };

  it('rejects unknown fields at every level', async () => {
    await rejects(updateArbiter(t.db, { confidenceThreshold: 0.5, colour: 'red' } as Anything, by), 'validation_failed', /colour/);
    await rejects(
      updateRoutingRules(t.db, { rules: [{ match: { intent: 'x', team: 'a' }, target: { provider: 'openai', model: 'm' } }] } as Anything, by),
    );
    await rejects(
      updateRoutingRules(t.db, { rules: [{ match: {}, target: { provider: 'openai', model: 'm', params: { topK: 3 } } }] } as Anything, by),
    );
    await rejects(registerSkill(t.db, { name: 's', description: 'd', instructions: 'i', tools: [], extra: 1 } as Anything, by));
  });

  it('rejects out-of-range arbiter values', async () => {
    await rejects(updateArbiter(t.db, { confidenceThreshold: 1.2 }, by), 'validation_failed', /confidenceThreshold/);
    await rejects(updateArbiter(t.db, { confidenceThreshold: -0.1 }, by));
    await rejects(updateArbiter(t.db, { maxModelSteps: 2.5 }, by));
    await rejects(updateArbiter(t.db, { reviewPasses: 99 }, by));
  });

  it('refuses unapproved writes without the explicit flag, also when only tuning such a policy', async () => {
    await rejects(updateArbiter(t.db, { writesRequireApproval: false }, by), 'validation_failed', /allowUnapprovedWrites/);
    await rejects(updateArbiter(t.db, { writesRequireApproval: false, allowUnapprovedWrites: false }, by));
    const ok = await updateArbiter(t.db, { name: 'sandbox', writesRequireApproval: false, allowUnapprovedWrites: true }, by);
    expect(ok.snapshot.arbiters.sandbox).toMatchObject({ writesRequireApproval: false, confidenceThreshold: 0.7, maxModelSteps: 6 });
    expect(ok.snapshot.arbiters.default?.writesRequireApproval).toBe(true);
    await rejects(updateArbiter(t.db, { name: 'sandbox', maxModelSteps: 3 }, by));
  });

  it('requires who and why', async () => {
    await rejects(updateArbiter(t.db, { maxModelSteps: 3 }, { actor: 'carol', reason: '' }));
    await rejects(updateArbiter(t.db, { maxModelSteps: 3 }, { actor: 'carol', reason: '   ' }));
    await rejects(updateArbiter(t.db, { maxModelSteps: 3 }, { actor: '', reason: 'why not' }));
  });

  it('checks references and prompt templates against the current state', async () => {
    await rejects(
      registerSkill(t.db, { name: 'fixer', description: 'd', instructions: 'i', tools: ['get_logs', 'kubectl_apply'] }, by),
      'validation_failed',
      /kubectl_apply/,
    );
    await rejects(activatePrompt(t.db, { name: 'planner.system', version: 'v9' }, by), 'not_found');
    await rejects(activatePrompt(t.db, { name: 'planner.system', version: 'v2', template: 'Hello {{user}}' }, by), 'validation_failed', /user/);
    await rejects(activatePrompt(t.db, { name: 'planner.system', version: 'builtin', template: 'Something else' }, by), 'conflict');
    await rejects(removeSkill(t.db, { name: 'nope' }, by), 'not_found');
    await rejects(removeTool(t.db, { name: 'get_logs' }, by), 'conflict', /kubernetes-investigation/);
  });

  it('rejects ambiguous routing rules and bad tool schemas', async () => {
    const rule = { match: { intent: 'explain' }, target: { provider: 'openai', model: 'a' }, priority: 1 };
    await rejects(updateRoutingRules(t.db, { rules: [rule, { ...rule, target: { provider: 'openai', model: 'b' } }] }, by), 'validation_failed', /ambiguous/);
    await rejects(registerTool(t.db, { name: 'x', description: 'd', parameters: { type: 'array' }, readOnly: true } as Anything, by));
    await rejects(registerTool(t.db, { name: 'Bad Name', description: 'd', parameters: { type: 'object' }, readOnly: true }, by));
  });

  it('nothing rejected was recorded; valid changes to the same things work', async () => {
    const before = await history(t.db, { limit: 50 });
    expect(before.items).toHaveLength(1); // only the sandbox policy
    const v2 = await activatePrompt(
      t.db,
      { name: 'planner.system', version: 'v2', template: 'Plan for {{user}}.', variables: ['user'] },
      by,
    );
    expect(v2.snapshot.prompts['planner.system']).toEqual({ name: 'planner.system', version: 'v2', template: 'Plan for {{user}}.', variables: ['user'] });
    expect(v2.snapshot.promptVersions['planner.system']).toEqual(['builtin', 'v2']);
    const back = await activatePrompt(t.db, { name: 'planner.system', version: 'builtin' }, by);
    expect(back.snapshot.prompts['planner.system']?.version).toBe('builtin');
    expect((await getSnapshot(t.db)).version).toBe(3);
  });
});
