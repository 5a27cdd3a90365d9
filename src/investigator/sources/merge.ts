import type { ClusterSnapshot, ContainerLog } from '../cluster/snapshot.js';
import { emptySnapshot } from '../cluster/snapshot.js';
import { TABLE_ANNOTATION } from './kubectl-text/get-table.js';

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

const metadataOf = (o: unknown): Plain => (isPlain(o) && isPlain(o.metadata) ? o.metadata : {});

/** An object built from one `kubectl get` table row: its containers stand in for the READY count. */
const fromTable = (o: unknown): boolean => {
  const annotations = metadataOf(o).annotations;
  return isPlain(annotations) && annotations[TABLE_ANNOTATION] !== undefined;
};

/**
 * A table row's object without what the fuller one (a describe, the JSON) says better: its
 * stand-in containers would sit beside the real ones as containers of their own, and the mark
 * that the object is known only from a table no longer holds.
 */
function tableRowBeside(row: Plain): Plain {
  const { annotations, ...metadata } = metadataOf(row);
  const { [TABLE_ANNOTATION]: _table, ...kept } = isPlain(annotations) ? annotations : {};
  const { containerStatuses: _c, initContainerStatuses: _i, ...status } = isPlain(row.status) ? row.status : {};
  const { containers: _s, ...spec } = isPlain(row.spec) ? row.spec : {};
  return { ...row, metadata: { ...metadata, annotations: kept }, spec, status };
}

/** Later inputs win, except that a table row never outranks a fuller object's containers. */
function mergeTwo(prev: unknown, next: unknown): unknown {
  if (fromTable(prev) === fromTable(next)) return deepMerge(prev, next);
  return fromTable(prev) ? deepMerge(tableRowBeside(prev as Plain), next) : deepMerge(prev, tableRowBeside(next as Plain));
}

function mergeCollection<T>(lists: T[][]): T[] {
  const byId = new Map<string, T>();
  for (const list of lists) {
    for (const obj of list) {
      const id = identity(obj);
      const prev = byId.get(id);
      byId.set(id, prev === undefined ? obj : (mergeTwo(prev, obj) as T));
    }
  }
  // `kubectl get pods` without -n prints no namespace: such an object is the one of that name
  // another input places in a namespace, when exactly one does.
  const namespaced = new Map<string, string[]>();
  for (const [id, obj] of byId) {
    const md = metadataOf(obj);
    if (typeof md.name === 'string' && typeof md.namespace === 'string' && md.namespace !== '') namespaced.set(md.name, [...(namespaced.get(md.name) ?? []), id]);
  }
  for (const [id, obj] of byId) {
    const md = metadataOf(obj);
    if (typeof md.name !== 'string' || md.namespace) continue;
    const homes = namespaced.get(md.name);
    if (homes?.length !== 1) continue;
    byId.delete(id);
    byId.set(homes[0]!, mergeTwo(obj, byId.get(homes[0]!)) as T);
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
