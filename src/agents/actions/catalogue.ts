import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SyntraError } from '../../domain/errors.js';

/**
 * The actions: typed, named writes to the cluster, ONE row each — the JSON schema of its
 * parameters, the kinds it applies to, its risk, when it is destructive, the exact request it
 * makes (the same for the server-side dry-run and the execution), the effect it should have and
 * how the Reviewer verifies that effect afterwards. Every action needs `kubernetes:write` in the
 * target's namespace and an approval (see approvals.ts); nothing here runs by itself.
 */
export type KubeObject = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number; [k: string]: unknown }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

/** A count field of a spec or status (absent or not a number → undefined). */
const count = (o: Record<string, unknown> | undefined, key: string): number | undefined => (typeof o?.[key] === 'number' ? o[key] : undefined);

export const ACTION_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const API_VERSION: Record<ActionKind, string> = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Pod: 'v1' };

export type Risk = 'low' | 'medium' | 'high';
export type KubeRequest = { verb: 'patch'; strategy: 'application/strategic-merge-patch+json' | 'application/merge-patch+json'; body: Record<string, unknown> } | { verb: 'delete' };
export interface Verification {
  /** ok: the effect is there; pending: not yet (checked again); neither: it failed. */
  state: 'ok' | 'pending' | 'failed';
  detail: string;
}

interface ActionDef<S extends TObject> {
  name: string;
  description: string;
  risk: Risk;
  kinds: readonly ActionKind[];
  params: S;
  /** Why this action on this object is destructive (refused from the CLI, needs an admin), or undefined. */
  destructive(params: Static<S>, current: KubeObject): string | undefined;
  request(params: Static<S>, current: KubeObject, now: Date): KubeRequest;
  expectedEffect(params: Static<S>, target: string): string;
  verification: string;
  verify(params: Static<S>, before: KubeObject, after: KubeObject | undefined): Verification;
}

const action = <S extends TObject>(d: ActionDef<S>): ActionDef<S> => d;
const noParams = Type.Object({}, { additionalProperties: false });

/** Rollout done: the controller saw the new generation and every replica is updated and ready. */
function rolloutDone(after: KubeObject | undefined, afterGeneration: number): Verification {
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

const rolloutRestart = action({
  name: 'rollout_restart',
  description: 'Restart every pod of a workload by a rolling update (kubectl rollout restart).',
  risk: 'low',
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
  params: noParams,
  destructive: () => undefined,
  request: (_p, _c, now) => ({ verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } } } }),
  expectedEffect: (_p, target) => `${target} rolls out new pods; the old ones are replaced one by one`,
  verification: 'the controller observes the new generation and every replica is updated and ready',
  verify: (_p, before, after) => rolloutDone(after, (before.metadata?.generation ?? 0) + 1),
});

const scale = action({
  name: 'scale',
  description: 'Set the number of replicas of a Deployment or StatefulSet (kubectl scale).',
  risk: 'medium',
  kinds: ['Deployment', 'StatefulSet'],
  params: Type.Object({ replicas: Type.Integer({ minimum: 0, maximum: 1000, description: 'the new replica count' }) }, { additionalProperties: false }),
  destructive: (p, current) => {
    const now = count(current.spec, 'replicas') ?? 1;
    if (p.replicas === 0) return `scales to zero (now ${now})`;
    if (p.replicas < now) return `scales down from ${now} to ${p.replicas}`;
    return undefined;
  },
  request: (p) => ({ verb: 'patch', strategy: 'application/merge-patch+json', body: { spec: { replicas: p.replicas } } }),
  expectedEffect: (p, target) => `${target} runs ${p.replicas} ready replica(s)`,
  verification: 'status.readyReplicas reaches the new replica count',
  verify: (p, _before, after) => {
    if (!after) return { state: 'failed', detail: 'the workload is gone' };
    const ready = count(after.status, 'readyReplicas') ?? 0;
    const replicas = count(after.spec, 'replicas');
    const detail = `${ready}/${p.replicas} ready (spec.replicas ${replicas})`;
    if (replicas !== p.replicas) return { state: 'failed', detail: `${detail}: spec.replicas changed since` };
    return { state: ready === p.replicas ? 'ok' : 'pending', detail };
  },
});

const deletePod = action({
  name: 'delete_pod',
  description: 'Delete one pod so its controller replaces it (forces a reschedule).',
  risk: 'medium',
  kinds: ['Pod'],
  params: noParams,
  destructive: (_p, current) => ((current.metadata as { ownerReferences?: unknown[] } | undefined)?.ownerReferences?.length ? undefined : 'the pod has no controller: nothing would replace it'),
  request: () => ({ verb: 'delete' }),
  expectedEffect: (_p, target) => `${target} is deleted and its controller starts a replacement`,
  verification: 'the pod with the old uid is gone',
  verify: (_p, before, after) =>
    !after || after.metadata?.uid !== before.metadata?.uid ? { state: 'ok', detail: `pod uid ${before.metadata?.uid} is gone` } : { state: 'pending', detail: `pod uid ${before.metadata?.uid} still exists` },
});

const ACTIONS = [rolloutRestart, scale, deletePod] as const;
export const ACTION_NAMES = ACTIONS.map((a) => a.name);

export interface ActionTarget {
  kind: ActionKind;
  name: string;
  namespace: string;
}

/** An action with checked parameters, ready for a dry-run: every call goes through here. */
export interface CheckedAction {
  name: string;
  risk: Risk;
  target: ActionTarget;
  params: Record<string, unknown>;
  description: string;
  verificationPlan: string;
  expectedEffect: string;
  destructive(current: KubeObject): string | undefined;
  request(current: KubeObject, now: Date): KubeRequest;
  verify(before: KubeObject, after: KubeObject | undefined): Verification;
}

export const targetText = (t: ActionTarget) => `${t.kind.toLowerCase()}/${t.name} in ${t.namespace}`;

export function describeActions(): Array<{ name: string; description: string; risk: Risk; kinds: readonly ActionKind[]; params: unknown; verification: string }> {
  return ACTIONS.map((a) => ({ name: a.name, description: a.description, risk: a.risk, kinds: a.kinds, params: JSON.parse(JSON.stringify(a.params)), verification: a.verification }));
}

/** Checks the action name, the target kind and the parameters against the action's schema. */
export function checkAction(name: string, target: ActionTarget, params: unknown): CheckedAction {
  const def = ACTIONS.find((a) => a.name === name);
  if (!def) throw new SyntraError('validation_failed', `unknown action "${name}"; actions: ${ACTION_NAMES.join(', ')}`, { details: { field: 'action' } });
  if (!(def.kinds as readonly string[]).includes(target.kind)) {
    throw new SyntraError('validation_failed', `${name} applies to ${def.kinds.join(', ')}, not ${target.kind}`, { details: { field: 'target.kind' } });
  }
  const raw = params ?? {};
  if (!Value.Check(def.params, raw)) {
    const first = [...Value.Errors(def.params, raw)][0];
    throw new SyntraError('validation_failed', `parameters of ${name} do not match its schema: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`, { details: { field: 'params' } });
  }
  // One row, one parameter type: the casts below only re-attach the row's own type to its own functions.
  const d = def as unknown as ActionDef<TObject>;
  const p = raw as Static<TObject>;
  return {
    name: def.name,
    risk: def.risk,
    target,
    params: raw as Record<string, unknown>,
    description: def.description,
    verificationPlan: def.verification,
    expectedEffect: d.expectedEffect(p, targetText(target)),
    destructive: (current) => d.destructive(p, current),
    request: (current, now) => d.request(p, current, now),
    verify: (before, after) => d.verify(p, before, after),
  };
}
