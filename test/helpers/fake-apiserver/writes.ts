/**
 * Writes on the loopback API server, as kube-apiserver answers them for the calls Syntra's
 * actions make: PATCH of a workload or node (`application/merge-patch+json` and
 * `application/strategic-merge-patch+json`; any other content type is 415, as the real server
 * answers a type the resource does not take), DELETE of a pod with a DeleteOptions body.
 * `dryRun=All` answers the object as it would be and stores nothing. A resourceVersion in the
 * patch's metadata, or in DeleteOptions.preconditions, is a precondition: a stale one is 409
 * Conflict with the API server's message. Every write is recorded with its exact body, content
 * type and query, so tests can assert what was sent.
 *
 * After a stored write the server plays the controllers: with `settle: 'converge'` a workload's
 * status catches up with its spec (the rollout completes, the replicas become ready); with
 * `'stuck'` it does not (the new pods never become ready) — the two outcomes the Reviewer's
 * verification must tell apart. Strategic merge here merges maps and replaces lists: the
 * patches the actions send (annotations, replicas, unschedulable) touch no merge-keyed list.
 */
type Raw = Record<string, any>;

export type Settle = 'converge' | 'stuck';

export interface RecordedWrite {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
  status: number;
  dryRun: boolean;
}

export const WRITE_CONTENT_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Raw = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Raw) } : {};
  for (const [k, v] of Object.entries(patch as Raw)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** What the workload controllers would make of the stored object once they have acted on it. */
export function settle(obj: Raw, how: Settle): void {
  if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(obj.kind)) return;
  if (how === 'stuck') return;
  const replicas = obj.kind === 'DaemonSet' ? (obj.status?.desiredNumberScheduled ?? 0) : (obj.spec?.replicas ?? 1);
  obj.status = {
    ...(obj.status ?? {}),
    observedGeneration: obj.metadata.generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    unavailableReplicas: 0,
  };
  if (replicas === 0) for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas']) delete obj.status[k];
}

let counter = 0;
/** A fresh resourceVersion, larger than any in the fixtures, as etcd's revision grows. */
export const nextResourceVersion = () => String(5_000_000 + ++counter);

/** Spec changes bump metadata.generation, as the API server does; metadata-only changes do not. */
export function bumpGeneration(before: Raw, after: Raw): void {
  if (JSON.stringify(before.spec) !== JSON.stringify(after.spec)) after.metadata.generation = (before.metadata?.generation ?? 0) + 1;
}
