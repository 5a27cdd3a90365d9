import { eventsV1ToCore, hpaV1ToV2 } from './api-versions.js';
import { kindSpec } from './kinds.js';
import type { ClusterSnapshot, ConfigMapSummary, SecretSummary } from './snapshot.js';

/**
 * Sorts Kubernetes objects (wire JSON, as the API server returns them) into a snapshot by the
 * kind table. Objects keep their wire shape with one change that makes them match the
 * client-node types: timestamps become Dates, so objects from a dump file, a kubectl text or the
 * live API have the same runtime shape. (client-node's ObjectSerializer does the same, at ten
 * times the cost and twice the memory on a 10,000-pod namespace.) Secrets and ConfigMaps are
 * reduced to their keys here, the one place every source passes through: secret values never
 * enter a snapshot.
 */
type Raw = Record<string, unknown>;

const asRecord = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

/** `creationTimestamp`, `lastTransitionTime`, `startedAt`, `eventTime`…: the fields the API types as date-time. */
const TIME_KEY = /(?:Timestamp|Time|At)$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;
/**
 * Subtrees with no date-time field in any API type: free-form string maps (their keys are names
 * people chose) and the bulky parts of a pod template (containers, volumes, scheduling), which
 * are most of a workload's bytes — not walking them halves the cost of reading a large dump.
 */
const NO_DATES = new Set([
  'annotations', 'labels', 'data', 'stringData', 'binaryData', 'selector', 'matchLabels', 'nodeSelector',
  'managedFields', 'containers', 'initContainers', 'ephemeralContainers', 'volumes', 'affinity', 'tolerations',
  'topologySpreadConstraints', 'securityContext', 'ownerReferences', 'finalizers', 'ports', 'subsets',
]);
/** Last characters of `Timestamp`, `Time` and `At`: most keys are rejected before the regex. */
const TIME_KEY_LAST = new Set([0x70, 0x65, 0x74]);

/** Timestamps to Dates, in place, through the whole object (conditions, container states, events). */
function datesIn(value: unknown, depth = 0): void {
  if (depth > 12 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) datesIn(v, depth + 1);
    return;
  }
  const o = value as Raw;
  for (const key in o) {
    const v = o[key];
    if (typeof v === 'string') {
      if (TIME_KEY_LAST.has(key.charCodeAt(key.length - 1)) && TIME_KEY.test(key) && RFC3339.test(v)) o[key] = new Date(v);
    } else if (v !== null && typeof v === 'object' && !(v instanceof Date) && !NO_DATES.has(key)) datesIn(v, depth + 1);
  }
}

/** One wire object of a known kind in the client-node shape: its kind and apiVersion set, timestamps as Dates. */
export function toTyped<T>(kind: string, raw: Raw): T {
  const spec = kindSpec(kind);
  if (!spec || spec.model === 'summary') throw new Error(`toTyped: ${kind} has no typed model`);
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : spec.apiVersion;
  // A fresh top level (the input may be shared); nested values are converted where they are.
  const obj: Raw = { ...raw, apiVersion, kind };
  datesIn(obj);
  return obj as T;
}

function summaryMetadata(raw: Raw): SecretSummary['metadata'] {
  const md = asRecord(raw.metadata);
  const labels = asRecord(md.labels) as Record<string, string>;
  return {
    name: String(md.name ?? ''),
    namespace: String(md.namespace ?? ''),
    ...(typeof md.creationTimestamp === 'string' ? { creationTimestamp: md.creationTimestamp } : {}),
    ...(md.creationTimestamp instanceof Date ? { creationTimestamp: md.creationTimestamp.toISOString() } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
  };
}

// Objects a text source read from a listing (a `kubectl get` row) carry this annotation (sources/kubectl-text/get-table.ts).
const LISTED_ANNOTATION = 'syntra.dev/evidence';
/** A listing row shows that the object exists, not its keys: a key it lacks must not be inferred from it. */
const keysUnknown = (raw: Raw): { keysUnknown?: true } =>
  asRecord(asRecord(raw.metadata).annotations)[LISTED_ANNOTATION] !== undefined && raw.data === undefined && raw.binaryData === undefined && raw.stringData === undefined
    ? { keysUnknown: true } : {};

/** Keys only: `data`, `stringData` and `binaryData` values are dropped, never copied. */
export function summarizeSecret(raw: Raw): SecretSummary {
  const keys = new Set([...Object.keys(asRecord(raw.data)), ...Object.keys(asRecord(raw.stringData))]);
  return { metadata: summaryMetadata(raw), ...(typeof raw.type === 'string' ? { type: raw.type } : {}), keys: [...keys].sort(), ...keysUnknown(raw) };
}

export function summarizeConfigMap(raw: Raw): ConfigMapSummary {
  const keys = new Set([...Object.keys(asRecord(raw.data)), ...Object.keys(asRecord(raw.binaryData))]);
  return { metadata: summaryMetadata(raw), keys: [...keys].sort(), ...keysUnknown(raw) };
}

/** Objects of another API version than the one the snapshot keeps, converted on the way in. */
function normalizeVersion(kind: string, raw: Raw): Raw {
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  if (kind === 'HorizontalPodAutoscaler' && apiVersion === 'autoscaling/v1') return hpaV1ToV2(raw);
  if (kind === 'Event' && apiVersion.startsWith('events.k8s.io/')) return eventsV1ToCore(raw);
  return raw;
}

/** Adds one object; returns false when its kind is not part of the evidence model. */
export function addObject(snapshot: ClusterSnapshot, raw: Raw, kindHint?: string): boolean {
  const kind = typeof raw.kind === 'string' && raw.kind !== '' ? raw.kind : kindHint;
  if (kind === undefined) return false;
  if (kind === 'Namespace') {
    const name = asRecord(raw.metadata).name;
    if (typeof name === 'string' && !snapshot.namespaces.includes(name)) snapshot.namespaces.push(name);
    return true;
  }
  const spec = kindSpec(kind);
  if (spec === undefined) return false;
  const list = snapshot[spec.collection] as unknown[];
  if (kind === 'Secret') list.push(summarizeSecret(raw));
  else if (kind === 'ConfigMap') list.push(summarizeConfigMap(raw));
  else list.push(toTyped(kind, normalizeVersion(kind, raw)));
  return true;
}

/** The kind of a List's items: `PodList` → `Pod`; a plain `List` has kinds on its items. */
export function itemKindOfList(listKind: string): string | undefined {
  return listKind.endsWith('List') && listKind !== 'List' ? listKind.slice(0, -'List'.length) : undefined;
}

export interface AddResult {
  added: number;
  /** Kinds seen but not part of the evidence model (e.g. ReplicationController). */
  skippedKinds: string[];
}

/** Adds one parsed document: a single object, a typed List (`PodList`) or a generic `List`. */
export function addDocument(snapshot: ClusterSnapshot, doc: unknown): AddResult {
  const result: AddResult = { added: 0, skippedKinds: [] };
  const raw = asRecord(doc);
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  const items = Array.isArray(raw.items) ? raw.items : undefined;
  const objects = items ?? [raw];
  const hint = items ? itemKindOfList(kind) : undefined;
  // Items of a typed List carry no kind/apiVersion of their own (as the API server returns them).
  const listApiVersion = items && hint !== undefined && typeof raw.apiVersion === 'string' ? raw.apiVersion : undefined;
  for (const item of objects) {
    const itemRaw = asRecord(item);
    const obj = listApiVersion !== undefined && itemRaw.apiVersion === undefined ? { ...itemRaw, apiVersion: listApiVersion } : itemRaw;
    if (addObject(snapshot, obj, hint)) result.added += 1;
    else {
      const k = String(obj.kind ?? hint ?? 'unknown');
      if (!result.skippedKinds.includes(k)) result.skippedKinds.push(k);
    }
  }
  return result;
}

/** True when a parsed JSON/YAML value looks like a Kubernetes object or List. */
export function looksLikeKubernetesDocument(doc: unknown): boolean {
  const raw = asRecord(doc);
  return typeof raw.kind === 'string' && (typeof raw.apiVersion === 'string' || Array.isArray(raw.items));
}
