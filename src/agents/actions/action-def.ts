import type { Static, TObject } from '@sinclair/typebox';
import { SyntraError } from '../../domain/errors.js';

/**
 * The shape of one action row (see catalogue.ts): what every action declares, and the objects
 * its request is computed from. Kept apart from the table so each group of actions lives in its
 * own file beside the others.
 */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind?: string; name?: string; uid?: string; controller?: boolean }>; [k: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export const ACTION_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'Node'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const API_VERSION: Record<ActionKind, string> = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Pod: 'v1', Node: 'v1' };
/** Kinds without a namespace: an action on them touches every namespace's pods. */
export const CLUSTER_SCOPED: readonly ActionKind[] = ['Node'];

export type Risk = 'low' | 'medium' | 'high';
export type PatchType = 'application/strategic-merge-patch+json' | 'application/merge-patch+json' | 'application/json-patch+json';
export type JsonPatchOp = { op: 'replace' | 'add' | 'remove' | 'test'; path: string; value?: unknown };
export type KubeRequest =
  | { verb: 'patch'; strategy: 'application/strategic-merge-patch+json' | 'application/merge-patch+json'; body: Record<string, unknown> }
  | { verb: 'patch'; strategy: 'application/json-patch+json'; body: JsonPatchOp[] }
  | { verb: 'delete' };

export interface Verification {
  /** ok: the effect is there; pending: not yet (checked again); failed: it will not come. */
  state: 'ok' | 'pending' | 'failed';
  detail: string;
}

/**
 * Objects besides the target an action's request is computed from: rollout_undo's history, the
 * ReplicaSets of a Deployment or the ControllerRevisions of a StatefulSet or DaemonSet.
 */
export interface Related {
  history?: KubeObject[];
}

export interface ActionTarget {
  kind: ActionKind;
  name: string;
  /** Absent for cluster-scoped kinds (Node). */
  namespace?: string;
}

export interface ActionDef<S extends TObject> {
  name: string;
  description: string;
  risk: Risk;
  kinds: readonly ActionKind[];
  /** Said when the action is asked for a kind it does not take (instead of the generic refusal). */
  kindNote?: string;
  params: S;
  /** Which related objects the request needs (read by the executor before the dry-run and the write). */
  needs?: 'history';
  /** Why this action on this object is destructive (refused from the CLI, needs an admin), or undefined. */
  destructive(params: Static<S>, current: KubeObject): string | undefined;
  /** Throws a SyntraError (validation_failed / conflict) when the object does not allow it: the dry-run fails with that message. */
  request(params: Static<S>, current: KubeObject, now: Date, related: Related): KubeRequest;
  expectedEffect(params: Static<S>, target: string): string;
  verification: string;
  verify(params: Static<S>, before: KubeObject, after: KubeObject | undefined): Verification;
  /** An example for the docs and the catalogue. */
  example: { target: ActionTarget; params: Static<S> };
}

export const action = <S extends TObject>(d: ActionDef<S>): ActionDef<S> => d;

/** A count field of a spec or status (absent or not a number → undefined). */
export const count = (o: Record<string, unknown> | undefined, key: string): number | undefined => (typeof o?.[key] === 'number' ? o[key] : undefined);

/** Rollout done: the controller saw the new generation and every replica is updated and ready. */
export function rolloutDone(after: KubeObject | undefined, afterGeneration: number): Verification {
  if (!after) return { state: 'failed', detail: 'the workload is gone' };
  const s = after.status;
  const ds = after.kind === 'DaemonSet';
  const want = ds ? (count(s, 'desiredNumberScheduled') ?? 0) : (count(after.spec, 'replicas') ?? 1);
  const updated = count(s, ds ? 'updatedNumberScheduled' : 'updatedReplicas') ?? 0;
  const ready = count(s, ds ? 'numberReady' : 'readyReplicas') ?? 0;
  const observed = count(s, 'observedGeneration');
  const detail = `generation ${after.metadata?.generation}, observed ${observed ?? 'none'}; ${updated}/${want} updated, ${ready}/${want} ready`;
  if ((observed ?? 0) < afterGeneration) return { state: 'pending', detail };
  return { state: updated >= want && ready >= want ? 'ok' : 'pending', detail };
}

type Container = { name?: string; image?: string; env?: Array<{ name?: string; value?: string; valueFrom?: unknown }>; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } };

/** The containers of a workload's pod template. */
export function templateContainers(current: KubeObject): Container[] {
  const template = current.spec?.template as { spec?: { containers?: Container[] } } | undefined;
  return template?.spec?.containers ?? [];
}

/** The named container of the pod template, or a clear refusal naming the ones there are. */
export function containerOf(current: KubeObject, name: string): Container {
  const all = templateContainers(current);
  const found = all.find((c) => c.name === name);
  if (!found) throw new SyntraError('validation_failed', `${current.kind?.toLowerCase()}/${current.metadata?.name} has no container "${name}"; its containers: ${all.map((c) => c.name).join(', ') || 'none'}`, { retryable: false, details: { field: 'params.container' } });
  return found;
}

/** A strategic merge patch of one container of the pod template (merged by name, as kubectl set … sends it). */
export const containerPatch = (container: Record<string, unknown>): Record<string, unknown> => ({ spec: { template: { spec: { containers: [container] } } } });
