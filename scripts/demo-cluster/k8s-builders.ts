import { createHash } from 'node:crypto';

/**
 * Builders for Kubernetes objects shaped exactly as the API server returns them (field order,
 * defaults the API server fills in, RFC 3339 timestamps), used only to write the bundled demo
 * cluster. Deterministic: the same names always give the same uids, hashes and IPs.
 */
export type Json = Record<string, unknown>;

const hex = (seed: string, len: number) => createHash('sha256').update(seed).digest('hex').slice(0, len);

export function uid(seed: string): string {
  const h = hex(`uid:${seed}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const containerId = (seed: string) => `containerd://${hex(`cid:${seed}`, 64)}`;
export const imageDigest = (image: string) => `${image.split(':')[0]}@sha256:${hex(`img:${image}`, 64)}`;

let rv = 4_812_000;
export const resourceVersion = () => String((rv += 7));

/** The incident clock: every timestamp in the demo is relative to this instant. */
export const NOW = Date.parse('2025-03-14T10:45:00Z');
export const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString().replace('.000Z', 'Z');

export function meta(name: string, namespace: string | undefined, createdMinutesAgo: number, extra: Json = {}): Json {
  return {
    name,
    ...(extra.generateName ? { generateName: extra.generateName } : {}),
    ...(namespace ? { namespace } : {}),
    uid: uid(`${namespace ?? ''}/${name}`),
    resourceVersion: resourceVersion(),
    ...(extra.generation !== undefined ? { generation: extra.generation } : {}),
    creationTimestamp: at(createdMinutesAgo),
    ...(extra.labels ? { labels: extra.labels } : {}),
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
    ...(extra.ownerReferences ? { ownerReferences: extra.ownerReferences } : {}),
    ...(extra.finalizers ? { finalizers: extra.finalizers } : {}),
  };
}

export function ownerRef(apiVersion: string, kind: string, name: string, namespace: string): Json {
  return { apiVersion, kind, name, uid: uid(`${namespace}/${name}`), controller: true, blockOwnerDeletion: true };
}

/** A typed List as `kubectl cluster-info dump` writes it: items without kind/apiVersion. */
export function list(kind: string, apiVersion: string, items: Json[]): Json {
  return {
    kind: `${kind}List`,
    apiVersion,
    metadata: { resourceVersion: resourceVersion() },
    items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
  };
}

export const kubeApiAccessVolume = (suffix: string): Json => ({
  name: `kube-api-access-${suffix}`,
  projected: {
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ],
    defaultMode: 420,
  },
});

export const defaultTolerations: Json[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

export interface EventSpec {
  namespace: string;
  involved: { kind: string; name: string; apiVersion?: string; fieldPath?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  host?: string;
  count?: number;
  firstMinutesAgo: number;
  lastMinutesAgo?: number;
}

/** A core/v1 Event as the API server returns it (name = object name + '.' + 16 hex). */
export function event(e: EventSpec): Json {
  const name = `${e.involved.name}.${hex(`ev:${e.involved.name}:${e.reason}:${e.message}`, 16)}`;
  return {
    metadata: {
      name,
      namespace: e.namespace,
      uid: uid(`event/${name}`),
      resourceVersion: resourceVersion(),
      creationTimestamp: at(e.firstMinutesAgo),
    },
    involvedObject: {
      kind: e.involved.kind,
      namespace: e.namespace,
      name: e.involved.name,
      uid: uid(`${e.namespace}/${e.involved.name}`),
      apiVersion: e.involved.apiVersion ?? 'v1',
      resourceVersion: resourceVersion(),
      ...(e.involved.fieldPath ? { fieldPath: e.involved.fieldPath } : {}),
    },
    reason: e.reason,
    message: e.message,
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    firstTimestamp: at(e.firstMinutesAgo),
    lastTimestamp: at(e.lastMinutesAgo ?? e.firstMinutesAgo),
    count: e.count ?? 1,
    type: e.type,
    eventTime: null,
    reportingComponent: e.component,
    reportingInstance: e.host ?? '',
  };
}
