import { Type } from '@sinclair/typebox';
import { SyntraError } from '../../domain/errors.js';
import { action, count, rolloutDone, type KubeObject, type KubeRequest } from './action-def.js';

/** Actions on a workload as a whole: restart its pods, change its replica count, roll it back. */
const noParams = Type.Object({}, { additionalProperties: false });

export const rolloutRestart = action({
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
  example: { target: { kind: 'Deployment', name: 'payment-worker', namespace: 'production' }, params: {} },
});

export const scale = action({
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
  example: { target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, params: { replicas: 1 } },
});

// kubectl's rollback (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go): the annotations a
// rollback keeps from the Deployment instead of taking them from the ReplicaSet.
const REVISION = 'deployment.kubernetes.io/revision';
const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to']);
const HASH_LABEL = 'pod-template-hash';

type Template = { metadata?: { labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };
const withoutHash = (t: Template | undefined): Template => {
  const copy = structuredClone(t ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[HASH_LABEL];
  }
  return copy;
};
const revisionOf = (o: KubeObject): number | undefined => {
  const v = Number(o.metadata?.annotations?.[REVISION]);
  return Number.isInteger(v) && v > 0 ? v : undefined;
};

/**
 * The ReplicaSet to roll back to, as `kubectl rollout undo` picks it: among the ReplicaSets the
 * Deployment controls, the one with the given revision, or (none given) the second-highest
 * revision — the one before the current.
 */
export function rollbackSource(deployment: KubeObject, replicaSets: readonly KubeObject[], toRevision: number | undefined): { rs: KubeObject; revision: number } {
  const owned = replicaSets
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller && o.kind === 'Deployment' && (o.uid === deployment.metadata?.uid || (o.uid === undefined && o.name === deployment.metadata?.name))))
    .map((rs) => ({ rs, revision: revisionOf(rs) }))
    .filter((x): x is { rs: KubeObject; revision: number } => x.revision !== undefined)
    .sort((a, b) => b.revision - a.revision);
  return pickRevision(`deployment/${deployment.metadata?.name}`, owned, toRevision, (x) => x);
}

/**
 * The ControllerRevision to roll a StatefulSet or DaemonSet back to, as `kubectl rollout undo`
 * picks it (polymorphichelpers/rollback.go): among the revisions the workload controls, the given
 * one or (none given) the one before the highest.
 */
export function revisionSource(workload: KubeObject, revisions: readonly KubeObject[], toRevision: number | undefined): { cr: KubeObject; revision: number } {
  const name = `${workload.kind?.toLowerCase() ?? 'workload'}/${workload.metadata?.name}`;
  const owned = revisions
    .filter((cr) => cr.metadata?.ownerReferences?.some((o) => o.controller && o.kind === workload.kind && (o.uid === workload.metadata?.uid || (o.uid === undefined && o.name === workload.metadata?.name))))
    .map((cr) => ({ cr, revision: Number((cr as { revision?: unknown }).revision) }))
    .filter((x) => Number.isInteger(x.revision) && x.revision > 0)
    .sort((a, b) => b.revision - a.revision);
  return pickRevision(name, owned, toRevision, (x) => ({ cr: x.cr, revision: x.revision }));
}

function pickRevision<T extends { revision: number }, R>(name: string, newestFirst: T[], toRevision: number | undefined, out: (x: T) => R): R {
  const revisions = newestFirst.map((x) => x.revision).join(', ') || 'none';
  if (toRevision !== undefined) {
    const found = newestFirst.find((x) => x.revision === toRevision);
    if (!found) throw new SyntraError('validation_failed', `unable to find revision ${toRevision} of ${name}; revisions: ${revisions}`, { retryable: false, details: { field: 'params.toRevision' } });
    return out(found);
  }
  const previous = newestFirst[1];
  if (!previous) throw new SyntraError('validation_failed', `${name} has no previous revision to roll back to (revisions: ${revisions})`, { retryable: false });
  return out(previous);
}

/** Equal as JSON values, whatever the key order (a revision's template was stored by another encoder). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return sameJson(ka, kb) && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** A Deployment goes back to a ReplicaSet's template (a JSON patch, with kubectl's annotation rule). */
function deploymentRollback(current: KubeObject, history: readonly KubeObject[], toRevision: number | undefined): KubeRequest {
  if ((current.spec as { paused?: boolean } | undefined)?.paused) throw new SyntraError('conflict', `deployment/${current.metadata?.name} is paused: resume it before rolling back`, { retryable: false });
  const { rs, revision } = rollbackSource(current, history, toRevision);
  const template = withoutHash((rs.spec as { template?: Template } | undefined)?.template);
  if (JSON.stringify(template) === JSON.stringify(withoutHash(current.spec?.template as Template | undefined))) {
    throw new SyntraError('conflict', `deployment/${current.metadata?.name} already runs the template of revision ${revision}: nothing to roll back`, { retryable: false });
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(current.metadata?.annotations ?? {})) if (SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  return {
    verb: 'patch',
    strategy: 'application/json-patch+json',
    body: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}

/**
 * A StatefulSet or DaemonSet goes back to a ControllerRevision: its `data` is the strategic merge
 * patch the controller recorded (`spec.template` with `$patch: replace`), sent as it is, as kubectl does.
 */
function revisionRollback(current: KubeObject, history: readonly KubeObject[], toRevision: number | undefined): KubeRequest {
  const { cr, revision } = revisionSource(current, history, toRevision);
  const data = (cr as { data?: { spec?: { template?: Record<string, unknown> } } }).data;
  const recorded = data?.spec?.template;
  if (!data || !recorded) throw new SyntraError('validation_failed', `revision ${revision} of ${current.kind?.toLowerCase()}/${current.metadata?.name} holds no pod template to roll back to`, { retryable: false });
  const { $patch: _directive, ...template } = recorded;
  if (sameJson(template, current.spec?.template)) {
    throw new SyntraError('conflict', `${current.kind?.toLowerCase()}/${current.metadata?.name} already runs the template of revision ${revision}: nothing to roll back`, { retryable: false });
  }
  return { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: data as Record<string, unknown> };
}

export const rolloutUndo = action({
  name: 'rollout_undo',
  description:
    "Roll a workload back to its previous revision (kubectl rollout undo): a Deployment takes the previous ReplicaSet's pod template, a StatefulSet or DaemonSet the previous ControllerRevision's.",
  risk: 'medium',
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
  params: Type.Object({ toRevision: Type.Optional(Type.Integer({ minimum: 1, description: 'the revision to go back to (default: the previous one)' })) }, { additionalProperties: false }),
  needs: 'history',
  destructive: () => undefined,
  request: (p, current, _now, related) =>
    current.kind === 'Deployment' ? deploymentRollback(current, related.history ?? [], p.toRevision) : revisionRollback(current, related.history ?? [], p.toRevision),
  expectedEffect: (p, target) => `${target} rolls out the pod template of ${p.toRevision ? `revision ${p.toRevision}` : 'its previous revision'}`,
  verification: 'the controller observes the new generation and every replica is updated and ready',
  verify: (_p, before, after) => rolloutDone(after, (before.metadata?.generation ?? 0) + 1),
  example: { target: { kind: 'Deployment', name: 'frontend', namespace: 'production' }, params: {} },
});
