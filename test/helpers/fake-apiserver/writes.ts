/**
 * Writes on the loopback API server, as kube-apiserver answers them for the calls Syntra's
 * actions make: PATCH of a workload or node (`application/merge-patch+json` and
 * `application/strategic-merge-patch+json`, `application/json-patch+json`; any other content type
 * is 415, as the real server answers a type the resource does not take), DELETE of a pod with a
 * DeleteOptions body.
 * `dryRun=All` answers the object as it would be and stores nothing. A resourceVersion in the
 * patch's metadata, or in DeleteOptions.preconditions, is a precondition: a stale one is 409
 * Conflict with the API server's message. Every write is recorded with its exact body, content
 * type and query, so tests can assert what was sent.
 *
 * After a stored write the server plays the controllers: with `settle: 'converge'` a workload's
 * status catches up with its spec (the rollout completes, the replicas become ready); with
 * `'stuck'` it does not (the new pods never become ready) — the two outcomes the Reviewer's
 * verification must tell apart. Strategic merge here merges maps, merges the lists
 * Kubernetes merges by name (containers, initContainers, env, volumes, volumeMounts) element by
 * element, honours `$patch: delete` on such an element, and replaces other lists. A JSON patch
 * (RFC 6902: add, replace, remove, test) is applied as written; a failed `test` is a 422 as
 * kube-apiserver answers it.
 */
type Raw = Record<string, any>;

export { settleWorkload, type Settle } from './controllers.js';

export interface RecordedWrite {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
  status: number;
  dryRun: boolean;
}

export const WRITE_CONTENT_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json'];

const isMap = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  const out: Raw = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The lists of the pod template kube-apiserver merges by the element's `name` (patchMergeKey). */
const MERGED_BY_NAME = new Set(['containers', 'initContainers', 'env', 'volumes', 'volumeMounts']);

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  // `$patch: replace` (a ControllerRevision's template): the map replaces the target's, not merged into it.
  if (patch.$patch === 'replace') return strategicMergePatch({}, { ...patch, $patch: undefined });
  const out: Raw = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else if (MERGED_BY_NAME.has(k) && Array.isArray(v)) {
      const list: Raw[] = Array.isArray(out[k]) ? [...out[k]] : [];
      for (const el of v as Raw[]) {
        const i = list.findIndex((x) => x?.name === el?.name);
        if (el?.$patch === 'delete') {
          if (i >= 0) list.splice(i, 1);
        } else if (i >= 0) list[i] = strategicMergePatch(list[i], el) as Raw;
        else list.push(strategicMergePatch({}, el) as Raw);
      }
      out[k] = list;
    } else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

export class JsonPatchError extends Error {
  constructor(message: string, readonly status: 422 | 400) {
    super(message);
  }
}

/** RFC 6902 with the operations the actions use; paths are JSON pointers (RFC 6901). */
export function jsonPatch(target: Raw, ops: unknown): Raw {
  if (!Array.isArray(ops)) throw new JsonPatchError('the body of the request was in an unknown format: a JSON patch is an array of operations', 400);
  const doc: Raw = structuredClone(target);
  for (const op of ops as Raw[]) {
    const parts = String(op.path ?? '').split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    if (last === undefined) throw new JsonPatchError(`invalid JSON patch path "${op.path}"`, 422);
    let parent: any = doc;
    for (const p of parts) {
      parent = Array.isArray(parent) ? parent[Number(p)] : parent?.[p];
      if (parent === undefined) throw new JsonPatchError(`doc is missing path: "${op.path}": missing value`, 422);
    }
    const key: any = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : last;
    if (op.op === 'test') {
      if (JSON.stringify(parent[key]) !== JSON.stringify(op.value)) throw new JsonPatchError(`the server rejected our request due to an error in our request: testing value ${op.path} failed`, 422);
    } else if (op.op === 'replace' || op.op === 'add') {
      if (op.op === 'replace' && parent[key] === undefined) throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`, 422);
      if (Array.isArray(parent) && op.op === 'add') parent.splice(key, 0, op.value);
      else parent[key] = op.value;
    } else if (op.op === 'remove') {
      if (parent[key] === undefined) throw new JsonPatchError(`remove operation does not apply: doc is missing path: "${op.path}": missing value`, 422);
      if (Array.isArray(parent)) parent.splice(key, 1);
      else delete parent[key];
    } else throw new JsonPatchError(`Unexpected kind: ${String(op.op)}`, 422);
  }
  return doc;
}

let counter = 0;
/** A fresh resourceVersion, larger than any in the fixtures, as etcd's revision grows. */
export const nextResourceVersion = () => String(5_000_000 + ++counter);

/** Spec changes bump metadata.generation, as the API server does; metadata-only changes do not. */
export function bumpGeneration(before: Raw, after: Raw): void {
  if (JSON.stringify(before.spec) !== JSON.stringify(after.spec)) after.metadata.generation = (before.metadata?.generation ?? 0) + 1;
}
