import type { CoreV1Event, V1Endpoints, V1ObjectMeta, V1OwnerReference, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import { KINDS, SEARCHABLE_KINDS, canonicalKind, kindOf, kindSpec } from './kinds.js';
import { bestMatches } from './name-match.js';
import { selectorMatches } from './selectors.js';
import { UNNAMED } from './snapshot.js';
import type { ClusterSnapshot, ContainerLog, KindName, ObjectOf } from './snapshot.js';

/**
 * The one way to ask a snapshot questions: objects by kind and name, owner chains up and down
 * (Pod → ReplicaSet → Deployment, Pod → Job → CronJob), events and logs of an object, what a
 * service selects, which service a host name means, and names close to a mistyped one. Every
 * map is built once, so per-pod work never rescans the snapshot (10,000 pods stay fast).
 *
 * Objects parsed from text may lack a namespace: a lookup with a namespace also finds them, and a
 * lookup without one finds the object when its name is unique.
 */
export interface Named {
  kind?: string;
  metadata?: V1ObjectMeta | { name?: string; namespace?: string } | undefined;
}

export interface OwnerLink extends ResourceRef {
  /** The owner object when the snapshot has it; absent when only the reference is known. */
  object?: Named;
}

export interface ResourceMatch extends ResourceRef {
  /** 1 exact name, 0.8 workload prefix (pods of `auth-service`), 0.5 substring. */
  score: number;
}

const keyOf = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`;
export const refKey = (r: ResourceRef): string => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The owner that manages an object: the controller reference, else the first owner. */
export const controllerOf = (meta: Named['metadata'] | undefined): V1OwnerReference | undefined => {
  const owners = (meta as V1ObjectMeta | undefined)?.ownerReferences;
  return owners?.find((o) => o.controller) ?? owners?.[0];
};

export const refOf = (obj: Named, kind?: string): ResourceRef => ({
  kind: kind ?? obj.kind ?? '',
  name: obj.metadata?.name ?? '',
  ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
});

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const eventTime = (e: CoreV1Event): number => {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  const ms = t ? new Date(t as Date | string).getTime() : 0;
  return Number.isNaN(ms) ? 0 : ms;
};

export class ClusterQuery {
  private readonly byKey = new Map<string, Map<string, Named>>();
  private readonly byName = new Map<string, Map<string, Named[]>>();
  private readonly owned = new Map<string, Named[]>();
  private readonly events = new Map<string, CoreV1Event[]>();
  private readonly logs = new Map<string, ContainerLog>();
  private readonly podLogs = new Map<string, ContainerLog[]>();
  private readonly podsByNamespace = new Map<string, V1Pod[]>();
  private readonly podsByNode = new Map<string, V1Pod[]>();
  private readonly serviceByClusterIP = new Map<string, V1Service>();

  constructor(readonly snapshot: ClusterSnapshot) {
    for (const spec of KINDS) {
      if (spec.kind === 'Event') continue;
      const keyed = new Map<string, Named>();
      const named = new Map<string, Named[]>();
      for (const obj of snapshot[spec.collection] as Named[]) {
        keyed.set(keyOf(obj.metadata?.namespace, obj.metadata?.name), obj);
        push(named, obj.metadata?.name ?? '', obj);
        const owner = controllerOf(obj.metadata);
        if (owner) push(this.owned, `${owner.kind}/${keyOf(obj.metadata?.namespace, owner.name)}`, obj);
      }
      this.byKey.set(spec.kind, keyed);
      this.byName.set(spec.kind, named);
    }
    for (const ev of snapshot.events) {
      const o = ev.involvedObject;
      push(this.events, `${o?.kind ?? ''}/${keyOf(o?.namespace ?? ev.metadata?.namespace, o?.name)}`, ev);
    }
    for (const list of this.events.values()) list.sort((a, b) => eventTime(a) - eventTime(b));
    for (const log of snapshot.logs) {
      this.logs.set(`${keyOf(log.namespace, log.pod)}/${log.container}/${log.previous}`, log);
      push(this.podLogs, keyOf(log.namespace, log.pod), log);
    }
    for (const pod of snapshot.pods) {
      push(this.podsByNamespace, pod.metadata?.namespace ?? '', pod);
      if (pod.spec?.nodeName) push(this.podsByNode, pod.spec.nodeName, pod);
    }
    for (const svc of snapshot.services) {
      for (const ip of [svc.spec?.clusterIP, ...(svc.spec?.clusterIPs ?? [])]) {
        if (ip && ip !== 'None') this.serviceByClusterIP.set(ip, svc);
      }
    }
  }

  // ---- objects -------------------------------------------------------------------------------

  /** An object by kind (any spelling kubectl accepts), namespace and name. */
  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined;
  get<T extends Named = Named>(kind: string, namespace: string | undefined, name: string): T | undefined;
  get<T extends Named = Named>(kind: string, namespace: string | undefined, name: string): T | undefined {
    const k = canonicalKind(kind);
    const keyed = this.byKey.get(k);
    if (!keyed) return undefined;
    const found = keyed.get(keyOf(namespace, name)) ?? (namespace ? keyed.get(keyOf('', name)) : undefined);
    if (found || namespace) return found as T | undefined;
    const same = this.byName.get(k)?.get(name) ?? [];
    return (same.length === 1 ? same[0] : undefined) as T | undefined;
  }

  find<T extends Named = Named>(ref: ResourceRef): T | undefined {
    return this.get<T>(ref.kind, ref.namespace, ref.name);
  }

  /** Objects of a kind, in one namespace (with the namespace-less ones) or all. */
  list<K extends KindName>(kind: K, namespace?: string): ObjectOf<K>[];
  list<T extends Named = Named>(kind: string, namespace?: string): T[];
  list<T extends Named = Named>(kind: string, namespace?: string): T[] {
    const spec = kindOf(kind);
    if (!spec) return [];
    const all = this.snapshot[spec.collection] as T[];
    if (namespace === undefined || !spec.namespaced) return all;
    return all.filter((o) => !o.metadata?.namespace || o.metadata.namespace === namespace);
  }

  /** The namespaces holding an object of this kind and name. */
  namespacesHolding(kind: string, name: string): string[] {
    const same = this.byName.get(canonicalKind(kind))?.get(name) ?? [];
    return [...new Set(same.map((o) => o.metadata?.namespace ?? '').filter((n) => n !== ''))].sort();
  }

  /** Names of a kind (in a namespace), for "did you mean" answers. */
  names(kind: string, namespace?: string): string[] {
    return this.list(kind, namespace).map((o) => o.metadata?.name ?? '').filter((n) => n !== '');
  }

  /** The names closest to a mistyped one (prefix, alias, small typos), best tier only. */
  closestNames(kind: string, name: string, namespace?: string): string[] {
    const names = this.names(kind, namespace);
    const best = bestMatches(name, names);
    if (best) return best.names;
    const lower = name.toLowerCase();
    const tokens = lower.split('-').filter((t) => t.length >= 3);
    return names.filter((n) => tokens.some((t) => n.toLowerCase().includes(t))).slice(0, 8);
  }

  /**
   * Resources matching a name, best first. "auth-service" finds deployment auth-service (1.0), its
   * ReplicaSets and pods (0.8: the name is their prefix), and anything merely containing it (0.5).
   * `kind/name` restricts the kind.
   */
  search(query: string, options: { namespace?: string; kind?: string } = {}): ResourceMatch[] {
    let q = query.trim();
    let kind = options.kind ? kindOf(options.kind)?.kind : undefined;
    const slash = q.indexOf('/');
    if (slash > 0) {
      kind = kindOf(q.slice(0, slash))?.kind ?? kind;
      q = q.slice(slash + 1);
    }
    const needle = q.toLowerCase();
    const out: ResourceMatch[] = [];
    SEARCHABLE_KINDS.forEach((spec) => {
      if (kind && spec.kind !== kind) return;
      for (const o of this.list(spec.kind, options.namespace)) {
        const lower = (o.metadata?.name ?? '').toLowerCase();
        const score = lower === needle ? 1 : lower.startsWith(`${needle}-`) ? 0.8 : needle.length >= 3 && lower.includes(needle) ? 0.5 : 0;
        if (score > 0) out.push({ ...refOf(o, spec.kind), score });
      }
    });
    const order = (k: string) => SEARCHABLE_KINDS.findIndex((s) => s.kind === k);
    return out.sort((a, b) => b.score - a.score || order(a.kind) - order(b.kind));
  }

  // ---- owners --------------------------------------------------------------------------------

  /** Objects whose controller is the given owner (any kind: ReplicaSets of a Deployment, pods of a Job). */
  ownedBy<T extends Named = Named>(ownerKind: string, namespace: string | undefined, name: string): T[] {
    return (this.owned.get(`${ownerKind}/${keyOf(namespace, name)}`) ?? (namespace ? this.owned.get(`${ownerKind}/${keyOf('', name)}`) : undefined) ?? []) as T[];
  }

  /** Controller owners, nearest first: [ReplicaSet, Deployment] for a Deployment's pod. */
  ownerChain(obj: Named): OwnerLink[] {
    const chain: OwnerLink[] = [];
    const namespace = obj.metadata?.namespace;
    let current: Named | undefined = obj;
    for (let depth = 0; current && depth < 8; depth += 1) {
      const owner = controllerOf(current.metadata);
      if (!owner) break;
      const ref: ResourceRef = { kind: owner.kind, name: owner.name, ...(namespace ? { namespace } : {}) };
      const object = this.find(ref);
      chain.push({ ...ref, ...(object ? { object } : {}) });
      current = object;
      const deployment = object ? undefined : this.deploymentOfMissingReplicaSet(ref);
      if (deployment) chain.push({ ...refOf(deployment, 'Deployment'), object: deployment });
    }
    return chain;
  }

  /**
   * A ReplicaSet of a Deployment is named `<deployment>-<pod-template-hash>`: when the evidence
   * has the pods and the Deployment but not the ReplicaSet (describe output of both), the name
   * still links them.
   */
  private deploymentOfMissingReplicaSet(ref: ResourceRef): Named | undefined {
    if (ref.kind !== 'ReplicaSet') return undefined;
    const guess = /^(.+)-[a-z0-9]{6,10}$/.exec(ref.name)?.[1];
    return guess ? this.get('Deployment', ref.namespace, guess) : undefined;
  }

  private inferredPods: Map<string, V1Pod[]> | undefined;

  /** Pods whose ReplicaSet is missing from the evidence, by the Deployment its name points at. */
  private podsOfMissingReplicaSets(deployment: ResourceRef): V1Pod[] {
    if (!this.inferredPods) {
      this.inferredPods = new Map();
      for (const pod of this.snapshot.pods) {
        const owner = controllerOf(pod.metadata);
        if (owner?.kind !== 'ReplicaSet' || this.get('ReplicaSet', pod.metadata?.namespace, owner.name)) continue;
        const d = this.deploymentOfMissingReplicaSet({ kind: 'ReplicaSet', name: owner.name, ...(pod.metadata?.namespace ? { namespace: pod.metadata.namespace } : {}) });
        if (d) push(this.inferredPods, refKey(refOf(d, 'Deployment')), pod);
      }
    }
    const d = this.find(deployment);
    return d ? (this.inferredPods.get(refKey(refOf(d, 'Deployment'))) ?? []) : [];
  }

  /**
   * The workload a resource belongs to: the top of its owner chain among the kinds people name
   * (a Deployment's pod → the Deployment), the resource itself when it has no known owner.
   */
  workloadOf(ref: ResourceRef): ResourceRef {
    const self = this.find(ref);
    let top = ref;
    if (!self) return top;
    for (const owner of this.ownerChain(self).slice(0, 4)) {
      if (!kindSpec(owner.kind)?.workload) break;
      top = { kind: owner.kind, name: owner.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    }
    return top;
  }

  /** Pods of a resource, walking down the owner links (Deployment → ReplicaSets → Pods; CronJob → Jobs → Pods). */
  podsOf(ref: ResourceRef): V1Pod[] {
    const kind = canonicalKind(ref.kind);
    if (kind === 'Pod') {
      const pod = this.get<V1Pod>('Pod', ref.namespace, ref.name);
      return pod ? [pod] : [];
    }
    if (kind === 'Service') {
      const svc = this.get<V1Service>('Service', ref.namespace, ref.name);
      return svc ? this.podsSelectedBy(svc) : [];
    }
    const pods: V1Pod[] = [];
    const walk = (k: string, name: string, depth: number) => {
      for (const child of this.ownedBy(k, ref.namespace, name)) {
        const childKind = child.kind ?? '';
        if (childKind === 'Pod') pods.push(child as V1Pod);
        else if (depth < 3 && child.metadata?.name) walk(childKind, child.metadata.name, depth + 1);
      }
    };
    walk(kind, ref.name, 0);
    if (kind === 'Deployment') pods.push(...this.podsOfMissingReplicaSets(ref));
    return pods;
  }

  /** The other pods of the same workload, the pod itself excluded. */
  siblingsOf(pod: V1Pod): V1Pod[] {
    const top = this.workloadOf(refOf(pod, 'Pod'));
    if (top.kind === 'Pod') return [];
    return this.podsOf(top).filter((p) => p !== pod);
  }

  // ---- events and logs -----------------------------------------------------------------------

  /** Events that name no object (rows of a pasted Events section whose describe header was cut), oldest first. */
  orphanEvents(): CoreV1Event[] {
    this.orphans ??= this.snapshot.events.filter((e) => !e.involvedObject?.name || e.involvedObject.name === UNNAMED).sort((a, b) => eventTime(a) - eventTime(b));
    return this.orphans;
  }

  private orphans: CoreV1Event[] | undefined;

  /** Events about one object, oldest first. */
  eventsFor(kind: string, namespace: string | undefined, name: string): CoreV1Event[] {
    const k = canonicalKind(kind);
    return this.events.get(`${k}/${keyOf(namespace, name)}`) ?? (namespace ? (this.events.get(`${k}/${keyOf('', name)}`) ?? []) : []);
  }

  logsFor(namespace: string | undefined, pod: string, container: string, previous: boolean): ContainerLog | undefined {
    const at = (ns: string | undefined) => this.logs.get(`${keyOf(ns, pod)}/${container}/${previous}`);
    return at(namespace) ?? (namespace ? at('') : undefined);
  }

  /** Every log stream of a pod (all containers, current and previous). */
  logsOfPod(namespace: string | undefined, pod: string): ContainerLog[] {
    return [...(this.podLogs.get(keyOf(namespace, pod)) ?? []), ...(namespace ? (this.podLogs.get(keyOf('', pod)) ?? []) : [])];
  }

  // ---- placement and traffic -----------------------------------------------------------------

  podsIn(namespace: string | undefined): V1Pod[] {
    if (namespace === undefined) return this.snapshot.pods;
    return [...(this.podsByNamespace.get(namespace) ?? []), ...(namespace ? (this.podsByNamespace.get('') ?? []) : [])];
  }

  podsOnNode(node: string): V1Pod[] {
    return this.podsByNode.get(node) ?? [];
  }

  private podsByLabel: Map<string, V1Pod[]> | undefined;

  /** Pods a service sends traffic to: its selector over its namespace's pods (through a label index). */
  podsSelectedBy(svc: V1Service): V1Pod[] {
    const sel = svc.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) return [];
    if (!this.podsByLabel) {
      this.podsByLabel = new Map();
      for (const pod of this.snapshot.pods) {
        for (const [k, v] of Object.entries(pod.metadata?.labels ?? {})) push(this.podsByLabel, `${pod.metadata?.namespace ?? ''}\u0000${k}=${v}`, pod);
      }
    }
    const ns = svc.metadata?.namespace ?? '';
    // Start from the rarest label of the selector, then check the rest.
    const lists = Object.entries(sel).map(([k, v]) => [...(this.podsByLabel!.get(`${ns}\u0000${k}=${v}`) ?? []), ...(ns ? (this.podsByLabel!.get(`\u0000${k}=${v}`) ?? []) : [])]);
    const rarest = lists.reduce((a, b) => (b.length < a.length ? b : a));
    return rarest.filter((p) => selectorMatches(sel, p.metadata?.labels));
  }

  servicesSelecting(pod: V1Pod): V1Service[] {
    return this.list<V1Service>('Service', pod.metadata?.namespace).filter((s) => selectorMatches(s.spec?.selector, pod.metadata?.labels));
  }

  endpointsOf(svc: V1Service): V1Endpoints | undefined {
    return this.get<V1Endpoints>('Endpoints', svc.metadata?.namespace, svc.metadata?.name ?? '');
  }

  /** Ready and not-ready endpoint addresses of a service (0 ready = nothing answers); undefined without Endpoints. */
  endpointAddresses(svc: V1Service): { ready: number; notReady: number } | undefined {
    const ep = this.endpointsOf(svc);
    if (!ep) return undefined;
    const subsets = ep.subsets ?? [];
    return {
      ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0),
      notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
    };
  }

  /**
   * The Service a host name seen in a log means, the way cluster DNS resolves it: `svc`,
   * `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`, or the service's cluster IP.
   */
  serviceForHost(host: string, fromNamespace: string | undefined): V1Service | undefined {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (IPV4.test(h) || h.includes(':')) return this.serviceByClusterIP.get(h);
    const parts = h.split('.');
    const [name, ns, svcLabel, ...rest] = parts;
    if (!name) return undefined;
    if (parts.length === 1) return this.get<V1Service>('Service', fromNamespace, name) ?? (fromNamespace ? undefined : this.get<V1Service>('Service', undefined, name));
    if (svcLabel !== undefined && svcLabel !== 'svc') return undefined;
    if (rest.length > 0 && rest.join('.') !== 'cluster.local') return undefined;
    return this.get<V1Service>('Service', ns, name);
  }
}
