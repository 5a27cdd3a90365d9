import { describe, expect, it } from 'vitest';
import {
  activatePrompt,
  CONTROL_CHANGED_TOPIC,
  getSnapshot,
  history,
  registerSkill,
  registerTool,
  replay,
  toSnapshot,
  updateArbiter,
  updateRoutingRules,
  type ControlChange,
  DEFAULT_ROUTING_RULES,
} from '../../src/control-plane/control-registry/index.js';
import { type TestDatabase, useTestDatabase } from '../helpers/db.js';

const by = (reason: string) => ({ actor: 'alice', reason });

async function allChanges(t: TestDatabase): Promise<ControlChange[]> {
  const out: ControlChange[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await history(t.db, { limit: 7, ...(cursor ? { cursor } : {}) });
    out.push(...res.items);
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return out.reverse();
}

describe('control registry versioning', () => {
  const t = useTestDatabase();

  it('starts at version 0 with the built-in defaults and the one default route', async () => {
    const snap = await getSnapshot(t.db);
    expect(snap.version).toBe(0);
    expect(snap.arbiters.default).toEqual({
      name: 'default',
      confidenceThreshold: 0.7,
      maxModelSteps: 6,
      writesRequireApproval: true,
      reviewPasses: 1,
    });
    expect(Object.keys(snap.tools).sort()).toEqual(['get_events', 'get_logs', 'get_related_resources', 'get_resource', 'list_pods']);
    expect(Object.values(snap.tools).every((tool) => tool.readOnly)).toBe(true);
    expect(snap.skills['kubernetes-investigation']?.tools).toHaveLength(5);
    expect(Object.keys(snap.prompts)).toEqual(expect.arrayContaining(['planner.system', 'analyst.system', 'reviewer.system']));
    expect(snap.routingRules).toEqual(DEFAULT_ROUTING_RULES);
  });

  it('numbers concurrent writers gap-free and records each change with its outbox row', async () => {
    const writers = Array.from({ length: 24 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return registerTool(
            t.db,
            { name: `tool_${i}`, description: `tool ${i}`, parameters: { type: 'object', properties: {} }, readOnly: i % 8 === 0 },
            by(`add tool ${i}`),
          );
        case 1:
          return activatePrompt(t.db, { name: 'analyst.system', version: `v${i}`, template: `Analyse carefully, take ${i}.` }, by(`prompt ${i}`));
        case 2:
          return updateArbiter(t.db, { confidenceThreshold: i / 100 }, by(`threshold ${i}`));
        default:
          return updateRoutingRules(
            t.db,
            { rules: [{ match: { intent: 'diagnose_pod' }, target: { provider: 'openai', model: `m-${i}` } }] },
            by(`route ${i}`),
          );
      }
    });
    const results = await Promise.all(writers);
    const versions = results.map((r) => r.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));

    const changes = await allChanges(t);
    expect(changes.map((c) => c.version)).toEqual(versions);
    expect(changes.every((c) => c.actor === 'alice' && c.reason.length > 0)).toBe(true);

    const outbox = await t.db.query<{ v: number }>(
      `SELECT (payload->>'version')::int AS v FROM outbox WHERE topic = $1 ORDER BY id`,
      [CONTROL_CHANGED_TOPIC],
    );
    expect(outbox.rows.map((r) => r.v).sort((a, b) => a - b)).toEqual(versions);
  });

  it('the snapshot at every version equals the fold of the log up to that version', async () => {
    const changes = await allChanges(t);
    const states = replay(changes);
    for (const change of changes) {
      const stored = await getSnapshot(t.db, { version: change.version });
      expect(stored).toEqual(toSnapshot(change.version, states.get(change.version)!));
    }
    // and the latest snapshot is the last one
    const latest = await getSnapshot(t.db);
    expect(latest.version).toBe(changes.length);
  });

  it('reflects exactly the change made at each version', async () => {
    const before = await getSnapshot(t.db);
    const res = await registerSkill(
      t.db,
      { name: 'log-reader', description: 'Reads logs', instructions: 'Read the previous logs first.', tools: ['get_logs'] },
      by('a narrower skill'),
    );
    const after = await getSnapshot(t.db, { version: res.version });
    expect(after.skills['log-reader']?.tools).toEqual(['get_logs']);
    expect({ ...after, version: before.version, skills: before.skills }).toEqual(before);
    expect(res.snapshot).toEqual(after);
    expect(res.change).toMatchObject({ entityType: 'skill', entityName: 'log-reader', action: 'upsert', actor: 'alice', reason: 'a narrower skill' });
  });

  it('a routing update derived from an older version is refused, not silently undoing the newer change', async () => {
    const read = await getSnapshot(t.db);
    const first = await updateRoutingRules(t.db, { rules: [], expectedVersion: read.version }, by('rules-only for now'));
    expect(first.version).toBe(read.version + 1);
    const stale = updateRoutingRules(t.db, { rules: [...read.routingRules], expectedVersion: read.version }, by('derived from the old set'));
    await expect(stale).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/moved from version \d+ to \d+/) });
    expect((await getSnapshot(t.db)).routingRules).toEqual([]);
  });

  it('rebuilds a snapshot from the log when its cached row is gone', async () => {
    const latest = await getSnapshot(t.db);
    await t.db.query('DELETE FROM control_snapshot WHERE version = $1', [latest.version]);
    expect(await getSnapshot(t.db, { version: latest.version })).toEqual(latest);
  });

  it('refuses to rewrite history', async () => {
    await expect(t.db.query(`UPDATE control_change SET reason = 'rewritten' WHERE version = 1`)).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM control_change WHERE version = 1')).rejects.toThrow(/append-only/);
    const first = await t.db.query<{ reason: string }>('SELECT reason FROM control_change WHERE version = 1');
    expect(first.rows[0]?.reason).not.toBe('rewritten');
  });

  it('filters history by entity type and pages through it newest first', async () => {
    const prompts = await history(t.db, { entityType: 'prompt', limit: 100 });
    expect(prompts.items.length).toBe(6);
    expect(prompts.items.every((c) => c.entityType === 'prompt')).toBe(true);
    const vs = prompts.items.map((c) => c.version);
    expect([...vs].sort((a, b) => b - a)).toEqual(vs);
  });

  it('an unknown version is not_found', async () => {
    await expect(getSnapshot(t.db, { version: 10_000 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
