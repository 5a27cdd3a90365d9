import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { eventsV1ToCore, hpaV2ToV1 } from './api-versions.js';
import type { ClusterSnapshot, ConfigMapSummary, SecretSummary } from './snapshot.js';

/**
 * Sorts Kubernetes objects (wire JSON, as the API server returns them) into a snapshot by kind.
 * Every object is deserialized with client-node's own ObjectSerializer, so objects from a dump
 * file, a kubectl text or the live API have the same runtime shape (timestamps are Dates, as
 * the client-node types declare). Secrets and ConfigMaps are reduced to their keys here, the one
 * place every source passes through: secret values never enter a snapshot.
 */
type Raw = Record<string, unknown>;

type TypedCollection = Exclude<keyof ClusterSnapshot, 'source' | 'namespaces' | 'configMaps' | 'secrets' | 'logs'>;

interface KindInfo {
  collection: TypedCollection;
  model: string;
  apiVersion: string;
}

export const KINDS: Readonly<Record<string, KindInfo>> = {
  Pod: { collection: 'pods', model: 'V1Pod', apiVersion: 'v1' },
  Deployment: { collection: 'deployments', model: 'V1Deployment', apiVersion: 'apps/v1' },
  ReplicaSet: { collection: 'replicaSets', model: 'V1ReplicaSet', apiVersion: 'apps/v1' },
  StatefulSet: { collection: 'statefulSets', model: 'V1StatefulSet', apiVersion: 'apps/v1' },
  DaemonSet: { collection: 'daemonSets', model: 'V1DaemonSet', apiVersion: 'apps/v1' },
  Job: { collection: 'jobs', model: 'V1Job', apiVersion: 'batch/v1' },
  CronJob: { collection: 'cronJobs', model: 'V1CronJob', apiVersion: 'batch/v1' },
  Service: { collection: 'services', model: 'V1Service', apiVersion: 'v1' },
  Endpoints: { collection: 'endpoints', model: 'V1Endpoints', apiVersion: 'v1' },
  Ingress: { collection: 'ingresses', model: 'V1Ingress', apiVersion: 'networking.k8s.io/v1' },
  Node: { collection: 'nodes', model: 'V1Node', apiVersion: 'v1' },
  PersistentVolumeClaim: { collection: 'persistentVolumeClaims', model: 'V1PersistentVolumeClaim', apiVersion: 'v1' },
  PersistentVolume: { collection: 'persistentVolumes', model: 'V1PersistentVolume', apiVersion: 'v1' },
  StorageClass: { collection: 'storageClasses', model: 'V1StorageClass', apiVersion: 'storage.k8s.io/v1' },
  ResourceQuota: { collection: 'resourceQuotas', model: 'V1ResourceQuota', apiVersion: 'v1' },
  LimitRange: { collection: 'limitRanges', model: 'V1LimitRange', apiVersion: 'v1' },
  HorizontalPodAutoscaler: { collection: 'horizontalPodAutoscalers', model: 'V1HorizontalPodAutoscaler', apiVersion: 'autoscaling/v1' },
  Event: { collection: 'events', model: 'CoreV1Event', apiVersion: 'v1' },
};

/** Kinds accepted besides KINDS: reduced to summaries or names. */
const SUMMARY_KINDS = new Set(['Secret', 'ConfigMap', 'Namespace']);

export const isKnownKind = (kind: string): boolean => kind in KINDS || SUMMARY_KINDS.has(kind);

const asRecord = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

/** Deserializes one wire object of a known kind into the client-node model (Dates, typed fields). */
export function toTyped<T>(kind: keyof typeof KINDS, raw: Raw): T {
  const info = KINDS[kind]!;
  // `?? ` rather than spread defaults: serialized client-node objects carry `kind: undefined` keys.
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : info.apiVersion;
  return ObjectSerializer.deserialize({ ...raw, apiVersion, kind }, info.model, '') as T;
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

/** Keys only: `data`, `stringData` and `binaryData` values are dropped, never copied. */
export function summarizeSecret(raw: Raw): SecretSummary {
  const keys = new Set([...Object.keys(asRecord(raw.data)), ...Object.keys(asRecord(raw.stringData))]);
  return { metadata: summaryMetadata(raw), ...(typeof raw.type === 'string' ? { type: raw.type } : {}), keys: [...keys].sort() };
}

export function summarizeConfigMap(raw: Raw): ConfigMapSummary {
  const keys = new Set([...Object.keys(asRecord(raw.data)), ...Object.keys(asRecord(raw.binaryData))]);
  return { metadata: summaryMetadata(raw), keys: [...keys].sort() };
}

/** Adds one object; returns false when its kind is not part of the evidence model. */
export function addObject(snapshot: ClusterSnapshot, raw: Raw, kindHint?: string): boolean {
  const kind = typeof raw.kind === 'string' && raw.kind !== '' ? raw.kind : kindHint;
  if (kind === undefined) return false;
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  switch (kind) {
    case 'Secret':
      snapshot.secrets.push(summarizeSecret(raw));
      return true;
    case 'ConfigMap':
      snapshot.configMaps.push(summarizeConfigMap(raw));
      return true;
    case 'Namespace': {
      const name = asRecord(raw.metadata).name;
      if (typeof name === 'string' && !snapshot.namespaces.includes(name)) snapshot.namespaces.push(name);
      return true;
    }
    case 'HorizontalPodAutoscaler':
      if (apiVersion.startsWith('autoscaling/v2')) {
        const v2 = { ...raw, apiVersion, kind };
        snapshot.horizontalPodAutoscalersV2.push(ObjectSerializer.deserialize(v2, 'V2HorizontalPodAutoscaler', ''));
        snapshot.horizontalPodAutoscalers.push(toTyped('HorizontalPodAutoscaler', hpaV2ToV1(v2)));
        return true;
      }
      break;
    case 'Event':
      if (apiVersion.startsWith('events.k8s.io/')) {
        snapshot.events.push(toTyped('Event', eventsV1ToCore(raw)));
        return true;
      }
      break;
  }
  const info = KINDS[kind];
  if (info === undefined) return false;
  (snapshot[info.collection] as unknown[]).push(toTyped(kind, raw));
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
