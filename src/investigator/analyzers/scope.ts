import type { ResourceRef } from '../../domain/diagnosis.js';
import { kindSpec } from '../cluster/kinds.js';
import { refKey, refOf } from '../cluster/query.js';
import { UNNAMED } from '../cluster/snapshot.js';
import type { AnalysisContext } from './context.js';

/**
 * Whether a finding about `ref` belongs to this analysis: for a target, the target and what
 * belongs to it (its pods, their ReplicaSets and Jobs, its nodes and claims); for a namespace,
 * anything in it and the cluster-scoped objects. Evidence about no object at all belongs to
 * whatever is being diagnosed.
 */
const keysOf = new WeakMap<AnalysisContext, Set<string>>();

function scopeKeys(ctx: AnalysisContext): Set<string> {
  let keys = keysOf.get(ctx);
  if (keys) return keys;
  keys = new Set<string>();
  const s = ctx.scope;
  const add = (kind: string, list: readonly { metadata?: { name?: string; namespace?: string } }[]) => {
    for (const o of list) keys!.add(refKey(refOf(o, kind)));
  };
  add('Pod', s.pods);
  add('Deployment', s.deployments);
  add('ReplicaSet', s.replicaSets);
  add('StatefulSet', s.statefulSets);
  add('DaemonSet', s.daemonSets);
  add('Job', s.jobs);
  add('CronJob', s.cronJobs);
  add('Service', s.services);
  add('Ingress', s.ingresses);
  add('PersistentVolumeClaim', s.persistentVolumeClaims);
  add('Node', s.nodes);
  add('HorizontalPodAutoscaler', s.horizontalPodAutoscalers);
  for (const pod of s.pods) for (const owner of ctx.cluster.ownerChain(pod)) keys.add(refKey(owner));
  if (ctx.target) keys.add(refKey(ctx.target));
  keysOf.set(ctx, keys);
  return keys;
}

export function inScope(ctx: AnalysisContext, ref: ResourceRef): boolean {
  if (ref.name === UNNAMED) return true;
  if (ctx.target) {
    const keys = scopeKeys(ctx);
    return keys.has(refKey(ref)) || (ref.namespace !== undefined && keys.has(refKey({ kind: ref.kind, name: ref.name })));
  }
  if (ctx.namespace === undefined || kindSpec(ref.kind)?.namespaced === false) return true;
  return ref.namespace === undefined || ref.namespace === ctx.namespace;
}

/** How a summary names its subject: `Pod api-7d9f`, or what the evidence stands for when it names nothing. */
export function subjectText(ref: ResourceRef): string {
  if (ref.name === UNNAMED) return `The ${ref.kind === 'Pod' ? 'workload' : ref.kind.toLowerCase()} in the evidence`;
  return `${ref.kind} ${ref.name}`;
}
