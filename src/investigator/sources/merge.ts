import type { ClusterSnapshot, ContainerLog } from '../cluster/snapshot.js';
import { emptySnapshot } from '../cluster/snapshot.js';

/**
 * Merges several snapshots into one: `kubectl describe pod` text plus `kubectl get events` plus
 * a log file describe the same incident. Objects with the same identity (collection, namespace,
 * name) are merged field by field, later inputs winning, so a partial object parsed from a
 * describe text and the full JSON of the same pod become one pod.
 */
type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** The name given to a container a text did not name. */
const UNNAMED_CONTAINER = '(container)';

const namedItems = (v: unknown[]): boolean => v.length > 0 && v.every((x) => isPlain(x) && typeof x.name === 'string');

function mergeArrays(a: unknown[], b: unknown[]): unknown[] {
  if (b.length === 0) return a;
  if (!namedItems(a) || !namedItems(b)) return b;
  // Containers, container statuses, env, ports: merge entries of the same name.
  const out = [...a] as Plain[];
  for (const item of b as Plain[]) {
    let i = out.findIndex((x) => x.name === item.name);
    // A fragment that could not name its container (`(container)`: a grep'd describe, a jsonpath
    // value) is about the pod's only container when the other input names exactly one.
    if (i < 0 && out.length === 1 && (item.name === UNNAMED_CONTAINER || out[0]!.name === UNNAMED_CONTAINER) && (b as Plain[]).length === 1) i = 0;
    if (i >= 0) {
      const named = out[i]!.name !== UNNAMED_CONTAINER ? out[i]!.name : item.name;
      out[i] = { ...(deepMerge(out[i], item) as Plain), name: named };
    } else out.push(item);
  }
  return out;
}

/** Later values win; undefined never overwrites; plain objects and named arrays merge. */
export function deepMerge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (isPlain(a) && isPlain(b)) {
    const out: Plain = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
    // Keep the class prototype of the later object (client-node models) for instanceof users.
    return Object.setPrototypeOf(out, Object.getPrototypeOf(b) as object | null);
  }
  if (Array.isArray(a) && Array.isArray(b)) return mergeArrays(a, b);
  return b;
}

interface Identified {
  metadata?: { name?: string; namespace?: string; uid?: string };
}

function identity(obj: unknown): string {
  const o = obj as Identified & Plain;
  const md = o.metadata ?? {};
  if (md.name) return `${md.namespace ?? ''}/${md.name}`;
  // Events from a describe table or a `get events` table carry no name: identify by content.
  const inv = (o.involvedObject ?? {}) as Plain;
  return `${md.namespace ?? ''}/${String(inv.kind)}/${String(inv.name)}/${String(o.reason)}/${String(o.message)}`;
}

function mergeCollection<T>(lists: T[][]): T[] {
  const byId = new Map<string, T>();
  for (const list of lists) {
    for (const obj of list) {
      const id = identity(obj);
      const prev = byId.get(id);
      byId.set(id, prev === undefined ? obj : (deepMerge(prev, obj) as T));
    }
  }
  return [...byId.values()];
}

function mergeEvents(lists: ClusterSnapshot['events'][]): ClusterSnapshot['events'] {
  // The same event seen as a named object (JSON) and as a table row (describe) stays one event:
  // prefer content identity, so both forms meet.
  const byContent = new Map<string, ClusterSnapshot['events'][number]>();
  for (const list of lists) {
    for (const ev of list) {
      const key = `${ev.metadata?.namespace ?? ''}/${ev.involvedObject?.kind}/${ev.involvedObject?.name}/${ev.reason}/${ev.message}`;
      const prev = byContent.get(key);
      byContent.set(key, prev === undefined ? ev : (deepMerge(prev, ev) as typeof ev));
    }
  }
  return [...byContent.values()];
}

function mergeLogs(lists: ContainerLog[][]): ContainerLog[] {
  const byId = new Map<string, ContainerLog>();
  for (const list of lists) {
    for (const log of list) byId.set(`${log.namespace}/${log.pod}/${log.container}/${log.previous}`, log);
  }
  return [...byId.values()];
}

/** One snapshot from many; `source` defaults to the first input's kind and all descriptions. */
export function mergeSnapshots(snapshots: ClusterSnapshot[], source?: ClusterSnapshot['source']): ClusterSnapshot {
  const first = snapshots[0];
  const merged = emptySnapshot(
    source ?? {
      kind: first?.source.kind ?? 'kubectl',
      description: snapshots.map((s) => s.source.description).join(' + '),
      collectedAt: first?.source.collectedAt ?? new Date().toISOString(),
    },
  );
  merged.namespaces = [...new Set(snapshots.flatMap((s) => s.namespaces))].sort();
  const inputs = snapshots.flatMap((s) => s.source.inputs ?? []);
  if (inputs.length > 0) merged.source = { ...merged.source, inputs };
  const keys = Object.keys(merged) as (keyof ClusterSnapshot)[];
  for (const key of keys) {
    if (key === 'source' || key === 'namespaces') continue;
    if (key === 'events') merged.events = mergeEvents(snapshots.map((s) => s.events));
    else if (key === 'logs') merged.logs = mergeLogs(snapshots.map((s) => s.logs));
    else if (key === 'notes') merged.notes = snapshots.flatMap((s) => s.notes);
    else (merged[key] as unknown[]) = mergeCollection(snapshots.map((s) => s[key] as unknown[]));
  }
  return merged;
}
