import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import { findObject, podsOfOwner, refOf } from './relations.js';
import type { ClusterSnapshot } from './snapshot.js';

/**
 * Finding things by what people and logs call them: "auth-service" (a deployment and its pods),
 * `deployment/auth-service`, `postgres.production.svc.cluster.local:5432` (a service), and the
 * secrets, config maps and claims a pod refers to.
 */
export interface ResourceMatch extends ResourceRef {
  /** 1 exact name, 0.8 workload prefix (pods of `auth-service`), 0.5 substring. */
  score: number;
}

const SEARCHED: [string, keyof ClusterSnapshot][] = [
  ['Deployment', 'deployments'], ['StatefulSet', 'statefulSets'], ['DaemonSet', 'daemonSets'], ['CronJob', 'cronJobs'],
  ['Job', 'jobs'], ['ReplicaSet', 'replicaSets'], ['Pod', 'pods'], ['Service', 'services'], ['Ingress', 'ingresses'],
  ['PersistentVolumeClaim', 'persistentVolumeClaims'], ['Node', 'nodes'], ['HorizontalPodAutoscaler', 'horizontalPodAutoscalers'],
];

const KIND_ALIASES: Record<string, string> = {
  pod: 'Pod', po: 'Pod', pods: 'Pod', deployment: 'Deployment', deploy: 'Deployment', deployments: 'Deployment',
  statefulset: 'StatefulSet', sts: 'StatefulSet', daemonset: 'DaemonSet', ds: 'DaemonSet', job: 'Job', jobs: 'Job',
  cronjob: 'CronJob', cj: 'CronJob', replicaset: 'ReplicaSet', rs: 'ReplicaSet', service: 'Service', svc: 'Service',
  ingress: 'Ingress', ing: 'Ingress', pvc: 'PersistentVolumeClaim', persistentvolumeclaim: 'PersistentVolumeClaim',
  node: 'Node', no: 'Node', hpa: 'HorizontalPodAutoscaler', horizontalpodautoscaler: 'HorizontalPodAutoscaler',
};

/** `deploy/x`, `Deployment/x`, `pvc/x` → the API kind; undefined for an unknown alias. */
export const normalizeKind = (kind: string): string | undefined =>
  KIND_ALIASES[kind.toLowerCase()] ?? SEARCHED.find(([k]) => k.toLowerCase() === kind.toLowerCase())?.[0];

/**
 * Resources matching a name, best first. "auth-service" finds deployment auth-service (1.0), its
 * ReplicaSets and pods (0.8: the name is their prefix), and anything merely containing it (0.5).
 * `kind/name` restricts the kind.
 */
export function findResources(snapshot: ClusterSnapshot, query: string, options: { namespace?: string; kind?: string } = {}): ResourceMatch[] {
  let q = query.trim();
  let kind = options.kind ? normalizeKind(options.kind) : undefined;
  const slash = q.indexOf('/');
  if (slash > 0) {
    kind = normalizeKind(q.slice(0, slash)) ?? kind;
    q = q.slice(slash + 1);
  }
  const needle = q.toLowerCase();
  const out: ResourceMatch[] = [];
  for (const [k, collection] of SEARCHED) {
    if (kind && k !== kind) continue;
    for (const o of snapshot[collection] as { metadata?: { name?: string; namespace?: string } }[]) {
      const name = o.metadata?.name ?? '';
      if (options.namespace && o.metadata?.namespace && o.metadata.namespace !== options.namespace) continue;
      const lower = name.toLowerCase();
      const score = lower === needle ? 1 : lower.startsWith(`${needle}-`) ? 0.8 : needle.length >= 3 && lower.includes(needle) ? 0.5 : 0;
      if (score > 0) out.push({ ...refOf(o, k), score });
    }
  }
  return out.sort((a, b) => b.score - a.score || SEARCHED.findIndex(([k]) => k === a.kind) - SEARCHED.findIndex(([k]) => k === b.kind));
}

/** The pods a query points at: the pod itself, or every pod of the workload it names. */
export function podsForQuery(snapshot: ClusterSnapshot, query: string, namespace?: string): V1Pod[] {
  const best = findResources(snapshot, query, { namespace })[0];
  if (!best) return [];
  if (best.kind === 'Pod') return snapshot.pods.filter((p) => p.metadata?.name === best.name && (!best.namespace || p.metadata?.namespace === best.namespace));
  if (best.kind === 'Service') {
    const svc = findObject(snapshot, best) as V1Service | undefined;
    const sel = svc?.spec?.selector;
    return sel ? snapshot.pods.filter((p) => p.metadata?.namespace === best.namespace && Object.entries(sel).every(([k, v]) => p.metadata?.labels?.[k] === v)) : [];
  }
  return podsOfOwner(snapshot, best);
}

/**
 * The service behind a host name or IP seen in a log line: `postgres`, `postgres.production`,
 * `postgres.production.svc`, `postgres.production.svc.cluster.local`, or its ClusterIP.
 */
export function serviceForHost(snapshot: ClusterSnapshot, host: string, namespaceHint?: string): V1Service | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const byIp = snapshot.services.find((s) => s.spec?.clusterIP === h || (s.spec?.clusterIPs ?? []).includes(h));
  if (byIp) return byIp;
  const m = /^([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?:\.svc(?:\.[a-z0-9.-]+)?)?$/.exec(h);
  if (!m) return undefined;
  const [, name, ns] = m;
  const candidates = snapshot.services.filter((s) => s.metadata?.name === name && (ns === undefined || s.metadata?.namespace === ns));
  return candidates.find((s) => s.metadata?.namespace === namespaceHint) ?? candidates[0];
}

export interface PodReferences {
  secrets: { name: string; key?: string; via: string; optional: boolean }[];
  configMaps: { name: string; key?: string; via: string; optional: boolean }[];
  claims: string[];
}

/** Every secret, config map (with the key when one is named) and claim a pod's spec refers to. */
export function podReferences(pod: V1Pod): PodReferences {
  const refs: PodReferences = { secrets: [], configMaps: [], claims: [] };
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      const s = e.valueFrom?.secretKeyRef;
      const cm = e.valueFrom?.configMapKeyRef;
      if (s?.name) refs.secrets.push({ name: s.name, key: s.key, via: `env ${e.name} of container ${c.name}`, optional: s.optional ?? false });
      if (cm?.name) refs.configMaps.push({ name: cm.name, key: cm.key, via: `env ${e.name} of container ${c.name}`, optional: cm.optional ?? false });
    }
    for (const f of c.envFrom ?? []) {
      if (f.secretRef?.name) refs.secrets.push({ name: f.secretRef.name, via: `envFrom of container ${c.name}`, optional: f.secretRef.optional ?? false });
      if (f.configMapRef?.name) refs.configMaps.push({ name: f.configMapRef.name, via: `envFrom of container ${c.name}`, optional: f.configMapRef.optional ?? false });
    }
  }
  for (const v of pod.spec?.volumes ?? []) {
    if (v.secret?.secretName) refs.secrets.push({ name: v.secret.secretName, via: `volume ${v.name}`, optional: v.secret.optional ?? false });
    if (v.configMap?.name) refs.configMaps.push({ name: v.configMap.name, via: `volume ${v.name}`, optional: v.configMap.optional ?? false });
    if (v.persistentVolumeClaim?.claimName) refs.claims.push(v.persistentVolumeClaim.claimName);
  }
  return refs;
}
