import { Type } from '@sinclair/typebox';
import { SyntraError } from '../../domain/errors.js';
import { action, count, rolloutDone, type KubeObject } from './action-def.js';

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
  const name = `deployment/${deployment.metadata?.name}`;
  const owned = replicaSets
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller && o.kind === 'Deployment' && (o.uid === deployment.metadata?.uid || (o.uid === undefined && o.name === deployment.metadata?.name))))
    .map((rs) => ({ rs, revision: revisionOf(rs) }))
    .filter((x): x is { rs: KubeObject; revision: number } => x.revision !== undefined)
    .sort((a, b) => b.revision - a.revision);
  if (toRevision !== undefined) {
    const found = owned.find((x) => x.revision === toRevision);
    if (!found) throw new SyntraError('validation_failed', `unable to find revision ${toRevision} of ${name}; revisions: ${owned.map((x) => x.revision).join(', ') || 'none'}`, { retryable: false, details: { field: 'params.toRevision' } });
    return found;
  }
  const previous = owned[1];
  if (!previous) throw new SyntraError('validation_failed', `${name} has no previous revision to roll back to (revisions: ${owned.map((x) => x.revision).join(', ') || 'none'})`, { retryable: false });
  return previous;
}

export const rolloutUndo = action({
  name: 'rollout_undo',
  description: "Roll a Deployment back to its previous revision (kubectl rollout undo): its pod template becomes the previous ReplicaSet's template.",
  risk: 'medium',
  kinds: ['Deployment'],
  kindNote:
    'rollout_undo rolls back Deployments only. A StatefulSet or DaemonSet keeps its history in ControllerRevisions, which Syntra does not restore: roll it back with set_image (or your manifests), or run `kubectl rollout undo` yourself',
  params: Type.Object({ toRevision: Type.Optional(Type.Integer({ minimum: 1, description: 'the revision to go back to (default: the previous one)' })) }, { additionalProperties: false }),
  needs: 'replicaSets',
  destructive: () => undefined,
  request: (p, current, _now, related) => {
    if ((current.spec as { paused?: boolean } | undefined)?.paused) throw new SyntraError('conflict', `deployment/${current.metadata?.name} is paused: resume it before rolling back`, { retryable: false });
    const { rs, revision } = rollbackSource(current, related.replicaSets ?? [], p.toRevision);
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
  },
  expectedEffect: (p, target) => `${target} rolls out the pod template of ${p.toRevision ? `revision ${p.toRevision}` : 'its previous revision'}`,
  verification: 'the controller observes the new generation and every replica is updated and ready',
  verify: (_p, before, after) => rolloutDone(after, (before.metadata?.generation ?? 0) + 1),
  example: { target: { kind: 'Deployment', name: 'frontend', namespace: 'production' }, params: {} },
});
