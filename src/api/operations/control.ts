import { isDeepStrictEqual } from 'node:util';
import { Type, type Static } from '@sinclair/typebox';
import { actorNames } from '../../access/actor-names.js';
import { actorOf, appendAudit } from '../../access/audit.js';
import { getSnapshot, history, type ControlWrite, type ControlWriteResult, type WriteOptions } from '../../control-plane/control-registry/index.js';
import type { Database } from '../../db/database.js';
import type { Caller } from '../plugins/auth.js';

/**
 * A control-registry change for every transport: the reason is required, the actor is the
 * caller, and the audit row commits in the change's own transaction.
 */
export async function changeControl<I>(db: Database, caller: Caller, write: ControlWrite<I>, body: I & { reason: string }): Promise<ControlWriteResult> {
  const { reason, ...input } = body;
  const principal = caller.principal ?? null;
  const audit: WriteOptions['audit'] = (tx, change) =>
    appendAudit(tx, {
      ...actorOf(principal),
      action: `control.${change.entityType}.${change.action}`,
      target: change.entityName,
      ip: caller.ip,
      result: 'ok',
      details: { version: change.version, reason: change.reason },
    });
  const result = await write(db, input as I, { actor: principal?.id ?? 'anonymous', reason }, { audit });
  // Audited in the change's own transaction: the generic after-the-fact audit is not needed.
  caller.auditRecorded = true;
  return result;
}

/** One difference between two control versions: a prompt, skill, tool, arbiter, or the routing rules. */
export const ControlDiffEntry = Type.Object({
  path: Type.String({ description: 'section.name, e.g. skills.kubernetes-triage, or routingRules' }),
  change: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export const ControlDiff = Type.Object({ from: Type.Integer(), to: Type.Integer(), entries: Type.Array(ControlDiffEntry) });
export type ControlDiff = Static<typeof ControlDiff>;

const SECTIONS = ['prompts', 'promptVersions', 'skills', 'tools', 'arbiters'] as const;
// Key order does not matter (jsonb stores keys in its own order).
const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b);

/** What changed from version `from` to version `to` (either may be older). */
export async function diffControl(db: Database, from: number, to: number): Promise<ControlDiff> {
  const [a, b] = await Promise.all([getSnapshot(db, { version: from }), getSnapshot(db, { version: to })]);
  const entries: ControlDiff['entries'] = [];
  for (const section of SECTIONS) {
    const before = a[section] as Record<string, unknown>;
    const after = b[section] as Record<string, unknown>;
    for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const x = before[name];
      const y = after[name];
      if (same(x, y)) continue;
      entries.push({ path: `${section}.${name}`, change: x === undefined ? 'added' : y === undefined ? 'removed' : 'changed', before: x ?? null, after: y ?? null });
    }
  }
  if (!same(a.routingRules, b.routingRules)) entries.push({ path: 'routingRules', change: 'changed', before: a.routingRules, after: b.routingRules });
  return { from, to, entries };
}

/** The change log, newest first, each actor also named (`actorName`) where it is a key or a user. */
export async function controlHistory(db: Database, query: Parameters<typeof history>[1]) {
  const page = await history(db, query);
  const names = await actorNames(db, page.items.map((c) => c.actor));
  const items = page.items.map((c) => {
    const actorName = names.get(c.actor);
    return actorName === undefined ? c : { ...c, actorName };
  });
  return { items, nextCursor: page.nextCursor ?? null };
}
