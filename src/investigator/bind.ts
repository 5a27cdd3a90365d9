import type { ResourceRef } from '../domain/diagnosis.js';
import { kindSpec } from './cluster/kinds.js';
import { ClusterQuery, controllerOf } from './cluster/query.js';
import { UNNAMED, type ClusterSnapshot } from './cluster/snapshot.js';
import { emptyListIn, notFoundIn } from './messages/catalogue.js';
import { deepMerge } from './sources/merge.js';

/**
 * When a person asks about something, the evidence answers in one of four ways: it holds the
 * object; kubectl itself said the object is not there (a `NotFound` line in what they pasted);
 * the evidence is about it without naming it — an Events section, a container's `Last State`, a
 * pasted `status:`, logs pasted under the question, the events of its ReplicaSet — then those
 * fragments are bound to it; or it is simply not in the evidence. Evidence about another, named
 * object is never taken for the target.
 */
export type Binding =
  | { kind: 'found' }
  | { kind: 'bound'; snapshot: ClusterSnapshot }
  | { kind: 'not_found'; reason: string; namespaces: string[] };

const STUB_ANNOTATION = 'syntra.dev/evidence';
export const STUB_NOTE = 'inferred: the question names it; the evidence shows only what belongs to it';

/** An object the question named and the evidence only implies: analyzers judge what belongs to it, not it. */
export const isStub = (o: { metadata?: { annotations?: Record<string, string> } }): boolean => o.metadata?.annotations?.[STUB_ANNOTATION] === STUB_NOTE;

function allLines(s: ClusterSnapshot): string[] {
  return [...s.notes.map((n) => n.text), ...s.logs.flatMap((l) => l.lines)];
}

/**
 * kubectl (or a tool printing its errors) said the target does not exist: in what was pasted
 * (notes, logs of no pod in the evidence), not in a pod's own log, where a program that runs kubectl
 * speaks about its own lookups.
 */
function reportedMissing(snapshot: ClusterSnapshot, cluster: ClusterQuery, target: ResourceRef): string | undefined {
  const pasted = [
    ...snapshot.notes.map((n) => [n.text]),
    ...snapshot.logs.filter((l) => l.pod === UNNAMED || !cluster.get('Pod', l.namespace || undefined, l.pod)).map((l) => l.lines),
  ];
  for (const lines of pasted) {
    for (const line of lines) {
      const nf = notFoundIn(line);
      if (nf && nf.kind === target.kind && nf.name === target.name) return line.trim();
      // kubectl listed the target's namespace and found nothing, and nothing else shows it.
      const empty = emptyListIn(line);
      if (empty?.namespace && empty.namespace === target.namespace && !cluster.find(target)) return line.trim();
    }
  }
  return undefined;
}

/** Evidence about nothing the evidence names: fragments, notes, logs of no pod in it. */
function hasUnattributed(s: ClusterSnapshot, cluster: ClusterQuery): boolean {
  return s.pods.some((p) => p.metadata?.name === UNNAMED) ||
    s.events.some((e) => e.involvedObject?.name === UNNAMED || e.involvedObject?.name === '') ||
    s.logs.some((l) => l.pod === UNNAMED || !cluster.get('Pod', l.namespace || undefined, l.pod)) ||
    s.notes.length > 0;
}

/** The target's ReplicaSets, Jobs and pods by their names (`api-7d9f8b6c5d`, `api-7d9f8b6c5d-x2k4p`), or a line naming it. */
function namedAfter(s: ClusterSnapshot, target: ResourceRef): boolean {
  const prefix = `${target.name}-`;
  const workload = kindSpec(target.kind)?.workload === true;
  if (workload && [...s.pods, ...s.replicaSets, ...s.jobs].some((o) => o.metadata?.name?.startsWith(prefix))) return true;
  if (workload && s.events.some((e) => e.involvedObject?.name?.startsWith(prefix))) return true;
  if (target.kind === 'Service' && s.endpoints.some((e) => e.metadata?.name === target.name)) return true;
  if (s.events.some((e) => e.involvedObject?.kind === target.kind && e.involvedObject.name === target.name)) return true;
  return target.name.length >= 4 && allLines(s).some((l) => l.includes(target.name));
}

type Meta = { metadata?: { name?: string; namespace?: string } | undefined };

function rename<T extends Meta>(o: T, to: ResourceRef): T {
  return { ...o, metadata: { ...o.metadata, name: to.name, ...(to.namespace ? { namespace: to.namespace } : {}) } } as T;
}

/**
 * A fragment that names its controller (`Controlled By: ReplicaSet/x`) belongs to a pod of that
 * controller: another object's describe cut above its name is not the target's.
 */
function ownedElsewhere(fragment: Meta, self: Meta): boolean {
  const owner = controllerOf(fragment.metadata);
  if (!owner?.name) return false;
  const selfOwner = controllerOf(self.metadata);
  return selfOwner ? selfOwner.name !== owner.name : !(self.metadata?.name ?? '').startsWith(`${owner.name}-`);
}

/** Fragments of the target's own kind that name nothing are parts of the target (its pasted `status:`, its container's state). */
function mergeFragments(snapshot: ClusterSnapshot, target: ResourceRef): ClusterSnapshot | undefined {
  const spec = kindSpec(target.kind);
  if (!spec) return undefined;
  const list = snapshot[spec.collection] as Meta[];
  const cluster = new ClusterQuery(snapshot);
  const self = cluster.find(target);
  if (!self) return undefined;
  const fragments = list.filter((o) => o.metadata?.name === UNNAMED && !ownedElsewhere(o, self));
  if (fragments.length === 0) return undefined;
  const merged = fragments.reduce<unknown>((acc, f) => deepMerge(acc, rename(f, target)), self);
  return { ...snapshot, [spec.collection]: [...list.filter((o) => o !== self && !fragments.includes(o)), merged] };
}

/** `cluster` is the snapshot's own query, when the caller has one (indexing a large namespace is the cost of a call). */
export function bindTarget(snapshot: ClusterSnapshot, target: ResourceRef, cluster = new ClusterQuery(snapshot)): Binding {
  // A quota is diagnosed by what it blocks, whether or not the quota object itself was collected.
  if (target.kind === 'ResourceQuota') return { kind: 'found' };
  const said = reportedMissing(snapshot, cluster, target);
  if (said) {
    const namespaces = cluster.namespacesHolding(target.kind, target.name).filter((n) => n !== target.namespace);
    return { kind: 'not_found', reason: `kubectl said: ${said}`, namespaces };
  }
  if (cluster.find(target)) {
    const merged = mergeFragments(snapshot, target);
    return merged ? { kind: 'bound', snapshot: merged } : { kind: 'found' };
  }
  if (!hasUnattributed(snapshot, cluster) && !namedAfter(snapshot, target)) {
    return { kind: 'not_found', reason: 'the evidence does not name it', namespaces: cluster.namespacesHolding(target.kind, target.name) };
  }
  const isPod = target.kind === 'Pod';
  const owner = { apiVersion: kindSpec(target.kind)?.apiVersion ?? 'v1', kind: target.kind, name: target.name, uid: '', controller: true };
  const bound: ClusterSnapshot = { ...snapshot };
  bound.pods = snapshot.pods.map((p) => {
    const name = p.metadata?.name ?? '';
    if (name === UNNAMED) return isPod ? rename(p, target) : { ...p, metadata: { ...p.metadata, ...(target.namespace ? { namespace: target.namespace } : {}), ownerReferences: [owner] } };
    // Pods named after the workload whose owner is not in the evidence.
    if (!isPod && name.startsWith(`${target.name}-`) && !controllerOf(p.metadata)) return { ...p, metadata: { ...p.metadata, ownerReferences: [owner] } };
    return p;
  });
  // Events about nothing named: the target's own when they are about its kind (or a pod it is);
  // others stay unnamed, and analyzers attribute them to the target they are asked about.
  bound.events = snapshot.events.map((e) => {
    const o = e.involvedObject;
    if (o?.name !== UNNAMED && o?.name !== '') return e;
    if (!isPod && o.kind !== target.kind) return e;
    return { ...e, involvedObject: { ...o, kind: target.kind, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
  });
  bound.logs = snapshot.logs.map((l) => (isPod && (l.pod === UNNAMED || !cluster.get('Pod', l.namespace || undefined, l.pod)) ? { ...l, pod: target.name, namespace: target.namespace ?? l.namespace } : l));
  if (!isPod && !new ClusterQuery(bound).find(target)) {
    // The object itself is not in the evidence, only what belongs to it: a stub stands for it, marked as such.
    const stub = { apiVersion: owner.apiVersion, kind: target.kind, metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}), annotations: { [STUB_ANNOTATION]: STUB_NOTE } } };
    const spec = kindSpec(target.kind);
    if (spec) (bound[spec.collection] as unknown[]) = [...(snapshot[spec.collection] as unknown[]), stub];
  }
  return { kind: 'bound', snapshot: bound };
}
