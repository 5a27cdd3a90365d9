import type { DryRun } from './store.js';

/**
 * What a write would change, from the object before and the server's dry-run answer: the
 * leaves that differ, by JSON path. Bookkeeping the server changes on any write
 * (resourceVersion, generation, managedFields) and status (the controllers' business) are left
 * out, so the diff shows what the person approves.
 */
const IGNORED = new Set(['metadata.resourceVersion', 'metadata.generation', 'metadata.managedFields', 'status']);
const MAX_ENTRIES = 100;

export function objectDiff(before: unknown, after: unknown, path = '', out: DryRun['diff'] = []): DryRun['diff'] {
  if (out.length >= MAX_ENTRIES || IGNORED.has(path)) return out;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) objectDiff(before[k], after[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, before: before ?? null, after: after ?? null });
  return out;
}
