import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SyntraError } from '../../domain/errors.js';
import { CLUSTER_SCOPED, type ActionDef, type ActionKind, type ActionTarget, type KubeObject, type KubeRequest, type Related, type Risk, type Verification } from './action-def.js';
import { patchEnv, setImage, setResources } from './container-actions.js';
import { cordon, deletePod, uncordon } from './pod-node-actions.js';
import { rolloutRestart, rolloutUndo, scale } from './workload-actions.js';

/**
 * The actions: typed, named writes to the cluster, ONE row each — the JSON schema of its
 * parameters, the kinds it applies to, its risk, when it is destructive, the exact request it
 * makes (the same for the server-side dry-run and the execution), the effect it should have and
 * how the Reviewer verifies that effect afterwards. Every action needs `kubernetes:write` in the
 * target's namespace and an approval (see approvals.ts); nothing here runs by itself.
 */
export { ACTION_KINDS, API_VERSION, CLUSTER_SCOPED, type ActionKind, type ActionTarget, type KubeObject, type KubeRequest, type Related, type Risk, type Verification } from './action-def.js';

const ACTIONS = [rolloutRestart, rolloutUndo, scale, setImage, setResources, patchEnv, deletePod, cordon, uncordon] as const;
export const ACTION_NAMES = ACTIONS.map((a) => a.name);

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
  /** Which related objects request() needs (the executor reads them first). */
  needs: 'history' | undefined;
  request(current: KubeObject, now: Date, related?: Related): KubeRequest;
  verify(before: KubeObject, after: KubeObject | undefined): Verification;
}

export const targetText = (t: ActionTarget) => `${t.kind.toLowerCase()}/${t.name} ${t.namespace === undefined ? '(cluster-scoped)' : `in ${t.namespace}`}`;
/** The namespace an action is governed by: null for a cluster-scoped target (only callers over every namespace). */
export const namespaceOf = (t: ActionTarget): string | null => t.namespace ?? null;

export function describeActions(): Array<{ name: string; description: string; risk: Risk; kinds: readonly ActionKind[]; clusterScoped: boolean; params: unknown; verification: string; example: unknown; note?: string }> {
  return ACTIONS.map((a) => ({
    name: a.name,
    description: a.description,
    risk: a.risk,
    kinds: a.kinds,
    clusterScoped: a.kinds.every((k) => CLUSTER_SCOPED.includes(k)),
    params: JSON.parse(JSON.stringify(a.params)),
    verification: a.verification,
    example: a.example,
    ...('kindNote' in a && a.kindNote ? { note: a.kindNote } : {}),
  }));
}

/** The risk of a named action (undefined: no such action). */
export const riskOf = (name: string): Risk | undefined => ACTIONS.find((a) => a.name === name)?.risk;

/** Checks the action name, the target kind and the parameters against the action's schema. */
export function checkAction(name: string, target: ActionTarget, params: unknown): CheckedAction {
  const def = ACTIONS.find((a) => a.name === name);
  if (!def) throw new SyntraError('validation_failed', `unknown action "${name}"; actions: ${ACTION_NAMES.join(', ')}`, { details: { field: 'action' } });
  if (!(def.kinds as readonly string[]).includes(target.kind)) {
    const note = 'kindNote' in def && def.kindNote ? `: ${def.kindNote}` : '';
    throw new SyntraError('validation_failed', `${name} applies to ${def.kinds.join(', ')}, not ${target.kind}${note}`, { details: { field: 'target.kind' } });
  }
  const clusterScoped = CLUSTER_SCOPED.includes(target.kind);
  if (clusterScoped !== (target.namespace === undefined)) {
    throw new SyntraError('validation_failed', clusterScoped ? `a ${target.kind} is cluster-scoped: leave target.namespace out` : `target.namespace is required for a ${target.kind}`, { details: { field: 'target.namespace' } });
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
    needs: d.needs,
    // The object as the target's kind: an action tells a Deployment from a StatefulSet by it.
    request: (current, now, related = {}) => d.request(p, { ...current, kind: target.kind }, now, related),
    verify: (before, after) => d.verify(p, before, after),
  };
}
