import { describe, expect, it } from 'vitest';
import {
  activatePrompt,
  getSnapshot,
  history,
  registerTool,
  rollback,
  updateArbiter,
  updateRoutingRules,
  DEFAULT_ROUTING_RULES,
} from '../../src/control-plane/control-registry/index.js';
import { useTestDatabase } from '../helpers/db.js';

const by = (reason: string) => ({ actor: 'bob', reason });

describe('control registry rollback', () => {
  const t = useTestDatabase();

  it('restores an older state as a new version and keeps the whole history', async () => {
    const v1 = await updateArbiter(t.db, { confidenceThreshold: 0.8 }, by('stricter'));
    const v2 = await updateRoutingRules(
      t.db,
      { rules: [{ match: { taskType: 'analyze' }, target: { provider: 'anthropic', model: 'claude-x' }, priority: 5 }] },
      by('route analysis'),
    );
    const v3 = await activatePrompt(t.db, { name: 'reviewer.system', version: 'strict', template: 'Be strict.' }, by('stricter reviewer'));
    const v4 = await updateArbiter(t.db, { confidenceThreshold: 0.5, maxModelSteps: 10 }, by('looser'));
    expect([v1.version, v2.version, v3.version, v4.version]).toEqual([1, 2, 3, 4]);

    const back = await rollback(t.db, { toVersion: 1 }, by('v2..v4 made diagnoses worse'));
    expect(back.version).toBe(5);
    const atOne = await getSnapshot(t.db, { version: 1 });
    expect({ ...back.snapshot, version: 1 }).toEqual(atOne);
    expect(back.snapshot.arbiters.default?.confidenceThreshold).toBe(0.8);
    expect(back.snapshot.routingRules).toEqual(DEFAULT_ROUTING_RULES);
    expect(back.snapshot.prompts['reviewer.system']?.version).toBe('builtin');

    // History is never rewritten: every version is still there, and still readable as it was.
    const log = await history(t.db, { limit: 50 });
    expect(log.items.map((c) => c.version)).toEqual([5, 4, 3, 2, 1]);
    expect(log.items[0]).toMatchObject({ entityType: 'rollback', action: 'rollback', payload: { toVersion: 1 }, actor: 'bob' });
    expect((await getSnapshot(t.db, { version: 4 })).arbiters.default?.maxModelSteps).toBe(10);

    // A prompt version registered before the rollback is remembered in the state it came from,
    // and a later rollback "forward" restores it.
    const forward = await rollback(t.db, { toVersion: 4 }, by('undo the rollback'));
    expect(forward.snapshot.prompts['reviewer.system']?.template).toBe('Be strict.');
    expect(forward.snapshot.routingRules).toHaveLength(1);
  });

  it('rolls back to the built-ins (version 0)', async () => {
    await registerTool(t.db, { name: 'restart_pod', description: 'Deletes a pod', parameters: { type: 'object' }, readOnly: false }, by('ops tool'));
    const res = await rollback(t.db, { toVersion: 0 }, by('factory reset'));
    const builtins = await getSnapshot(t.db, { version: 0 });
    expect({ ...res.snapshot, version: 0 }).toEqual(builtins);
    expect(res.snapshot.tools.restart_pod).toBeUndefined();
  });

  it('a version that does not exist is not_found and appends nothing', async () => {
    const before = (await getSnapshot(t.db)).version;
    await expect(rollback(t.db, { toVersion: before + 1 }, by('typo'))).rejects.toMatchObject({ code: 'not_found' });
    expect((await getSnapshot(t.db)).version).toBe(before);
  });

  it('rolling back to the effective version is a conflict and appends nothing', async () => {
    const before = (await getSnapshot(t.db)).version;
    await expect(rollback(t.db, { toVersion: before }, by('no-op'))).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already the effective version') });
    expect((await getSnapshot(t.db)).version).toBe(before);
  });

  it('restoring a state with unapproved writes needs the explicit acknowledgment', async () => {
    const open = await updateArbiter(
      t.db,
      { writesRequireApproval: false, allowUnapprovedWrites: true },
      by('maintenance window: auto-remediation'),
    );
    const closed = await updateArbiter(t.db, { writesRequireApproval: true }, by('window over'));
    expect(closed.snapshot.arbiters.default?.writesRequireApproval).toBe(true);

    await expect(rollback(t.db, { toVersion: open.version }, by('again'))).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await getSnapshot(t.db)).version).toBe(closed.version);
    const res = await rollback(t.db, { toVersion: open.version, allowUnapprovedWrites: true }, by('again, knowingly'));
    expect(res.snapshot.arbiters.default?.writesRequireApproval).toBe(false);
    expect(res.change.payload).toEqual({ toVersion: open.version, allowUnapprovedWrites: true });
  });
});
