import type { CoreV1Event, V1Job, V1ObjectMeta, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { controllerOf, selectorMatches } from '../evidence/relations.js';
import type { ClusterSnapshot, ContainerLog } from '../evidence/snapshot.js';
import { timeOf } from './time.js';

/**
 * Lookup tables built once per analysis, so that per-pod work never rescans the snapshot
 * (a 500-pod namespace must diagnose in well under a second).
 */
interface Named {
  metadata?: V1ObjectMeta | { name: string; namespace: string };
}

const keyOf = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`;

function byName<T extends Named>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(keyOf(item.metadata?.namespace, item.metadata?.name), item);
  return map;
}

function indexOwned<T extends { metadata?: V1ObjectMeta }>(map: Map<string, T[]>, items: readonly T[]): void {
  for (const item of items) {
    const owner = controllerOf(item.metadata);
    if (owner) push(map, `${owner.kind}/${keyOf(item.metadata?.namespace, owner.name)}`, item);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class SnapshotIndex {
  readonly deployments;
  readonly replicaSets;
  readonly statefulSets;
  readonly daemonSets;
  readonly jobs;
  readonly cronJobs;
  readonly services;
  readonly endpoints;
  readonly pods;
  readonly nodes;
  readonly pvcs;
  readonly storageClasses;
  readonly secrets;
  readonly configMaps;
  private readonly events = new Map<string, CoreV1Event[]>();
  private readonly logs = new Map<string, ContainerLog>();
  private readonly ownedPods = new Map<string, V1Pod[]>();
  private readonly ownedReplicaSets = new Map<string, V1ReplicaSet[]>();
  private readonly ownedJobs = new Map<string, V1Job[]>();
  private readonly podsByNamespace = new Map<string, V1Pod[]>();
  private readonly podsByNode = new Map<string, V1Pod[]>();
  private readonly serviceByClusterIP = new Map<string, ClusterSnapshot['services'][number]>();

  constructor(readonly snapshot: ClusterSnapshot) {
    this.deployments = byName(snapshot.deployments);
    this.replicaSets = byName(snapshot.replicaSets);
    this.statefulSets = byName(snapshot.statefulSets);
    this.daemonSets = byName(snapshot.daemonSets);
    this.jobs = byName(snapshot.jobs);
    this.cronJobs = byName(snapshot.cronJobs);
    this.services = byName(snapshot.services);
    this.endpoints = byName(snapshot.endpoints);
    this.pods = byName(snapshot.pods);
    this.nodes = byName(snapshot.nodes);
    this.pvcs = byName(snapshot.persistentVolumeClaims);
    this.storageClasses = byName(snapshot.storageClasses);
    this.secrets = byName(snapshot.secrets);
    this.configMaps = byName(snapshot.configMaps);
    for (const ev of snapshot.events) {
      const o = ev.involvedObject;
      push(this.events, `${o.kind ?? ''}/${keyOf(o.namespace ?? ev.metadata?.namespace, o.name)}`, ev);
    }
    for (const list of this.events.values()) list.sort((a, b) => timeOf(a) - timeOf(b));
    for (const log of snapshot.logs) this.logs.set(`${keyOf(log.namespace, log.pod)}/${log.container}/${log.previous}`, log);
    indexOwned(this.ownedPods, snapshot.pods);
    indexOwned(this.ownedReplicaSets, snapshot.replicaSets);
    indexOwned(this.ownedJobs, snapshot.jobs);
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

  /** Looks an object up by namespace and name; objects parsed from text may lack a namespace. */
  static find<T>(map: Map<string, T>, namespace: string | undefined, name: string): T | undefined {
    return map.get(keyOf(namespace, name)) ?? (namespace ? map.get(keyOf('', name)) : undefined);
  }

  /** Events about one object, oldest first. */
  eventsFor(kind: string, namespace: string | undefined, name: string): CoreV1Event[] {
    return this.events.get(`${kind}/${keyOf(namespace, name)}`) ?? (namespace ? (this.events.get(`${kind}/${keyOf('', name)}`) ?? []) : []);
  }

  logsFor(namespace: string | undefined, pod: string, container: string, previous: boolean): ContainerLog | undefined {
    const at = (ns: string | undefined) => this.logs.get(`${keyOf(ns, pod)}/${container}/${previous}`);
    return at(namespace) ?? (namespace ? at('') : undefined);
  }

  /** Pods whose controller is the given owner (a ReplicaSet, Job, StatefulSet, DaemonSet). */
  podsOwnedBy(kind: string, namespace: string | undefined, name: string): V1Pod[] {
    return this.ownedPods.get(`${kind}/${keyOf(namespace, name)}`) ?? [];
  }

  replicaSetsOf(namespace: string | undefined, deployment: string): V1ReplicaSet[] {
    return this.ownedReplicaSets.get(`Deployment/${keyOf(namespace, deployment)}`) ?? [];
  }

  jobsOf(namespace: string | undefined, cronJob: string): V1Job[] {
    return this.ownedJobs.get(`CronJob/${keyOf(namespace, cronJob)}`) ?? [];
  }

  podsIn(namespace: string | undefined): V1Pod[] {
    if (namespace === undefined) return this.snapshot.pods;
    return [...(this.podsByNamespace.get(namespace) ?? []), ...(namespace ? (this.podsByNamespace.get('') ?? []) : [])];
  }

  podsOnNode(node: string): V1Pod[] {
    return this.podsByNode.get(node) ?? [];
  }

  /** Pods a service sends traffic to: relations' podsSelectedBy over this namespace's pods only. */
  podsSelectedBy(svc: V1Service): V1Pod[] {
    const sel = svc.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) return [];
    return this.podsIn(svc.metadata?.namespace).filter((p) => selectorMatches(sel, p.metadata?.labels));
  }

  serviceWithClusterIP(ip: string) {
    return this.serviceByClusterIP.get(ip);
  }
}
