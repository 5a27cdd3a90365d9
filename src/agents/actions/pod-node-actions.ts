import { Type } from '@sinclair/typebox';
import { SyntraError } from '../../domain/errors.js';
import { action } from './action-def.js';

/**
 * Actions on one pod or one node. A node is cluster-scoped: it runs every namespace's pods, so
 * cordoning one needs `kubernetes:write` over every namespace (a caller limited to some
 * namespaces cannot propose or approve it; see approvals.ts).
 */
const noParams = Type.Object({}, { additionalProperties: false });

export const deletePod = action({
  name: 'delete_pod',
  description: 'Delete one pod so its controller replaces it (forces a reschedule).',
  risk: 'medium',
  kinds: ['Pod'],
  params: noParams,
  destructive: (_p, current) => (current.metadata?.ownerReferences?.length ? undefined : 'the pod has no controller: nothing would replace it'),
  request: () => ({ verb: 'delete' }),
  expectedEffect: (_p, target) => `${target} is deleted and its controller starts a replacement`,
  verification: 'the pod with the old uid is gone',
  verify: (_p, before, after) =>
    !after || after.metadata?.uid !== before.metadata?.uid ? { state: 'ok', detail: `pod uid ${before.metadata?.uid} is gone` } : { state: 'pending', detail: `pod uid ${before.metadata?.uid} still exists` },
  example: { target: { kind: 'Pod', name: 'auth-service-7d9f8b6c5d-m8n3q', namespace: 'production' }, params: {} },
});

const unschedulable = (o: { spec?: Record<string, unknown> } | undefined) => o?.spec?.unschedulable === true;

export const cordon = action({
  name: 'cordon',
  description: 'Mark a node unschedulable: running pods stay, no new pod is placed there (kubectl cordon).',
  risk: 'medium',
  kinds: ['Node'],
  params: noParams,
  destructive: () => undefined,
  request: (_p, current) => {
    if (unschedulable(current)) throw new SyntraError('conflict', `node/${current.metadata?.name} is already cordoned: nothing to change`, { retryable: false });
    return { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: { spec: { unschedulable: true } } };
  },
  expectedEffect: (_p, target) => `${target} takes no new pods; the pods on it keep running`,
  verification: 'spec.unschedulable is true',
  verify: (_p, _b, after) => (!after ? { state: 'failed', detail: 'the node is gone' } : unschedulable(after) ? { state: 'ok', detail: 'spec.unschedulable: true' } : { state: 'failed', detail: 'spec.unschedulable is not set: changed since' }),
  example: { target: { kind: 'Node', name: 'node-3' }, params: {} },
});

export const uncordon = action({
  name: 'uncordon',
  description: 'Mark a node schedulable again (kubectl uncordon).',
  risk: 'low',
  kinds: ['Node'],
  params: noParams,
  destructive: () => undefined,
  request: (_p, current) => {
    if (!unschedulable(current)) throw new SyntraError('conflict', `node/${current.metadata?.name} is not cordoned: nothing to change`, { retryable: false });
    // kubectl computes its patch from the node with unschedulable false, which the API omits: null removes the field.
    return { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: { spec: { unschedulable: null } } };
  },
  expectedEffect: (_p, target) => `${target} takes new pods again`,
  verification: 'spec.unschedulable is unset',
  verify: (_p, _b, after) => (!after ? { state: 'failed', detail: 'the node is gone' } : unschedulable(after) ? { state: 'failed', detail: 'spec.unschedulable is still true: changed since' } : { state: 'ok', detail: 'spec.unschedulable unset' }),
  example: { target: { kind: 'Node', name: 'node-3' }, params: {} },
});
