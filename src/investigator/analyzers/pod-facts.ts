import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { ResourceRef } from '../../domain/diagnosis.js';
import type { RemediationFacts } from '../remediation/catalog.js';
import { refOf } from '../cluster/query.js';
import type { FindingLinks } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { isPodUnhealthy } from '../sources/pod-health.js';


/** What every pod-level check needs, computed once per pod. */
export interface PodFacts {
  ctx: AnalysisContext;
  pod: V1Pod;
  ref: ResourceRef;
  namespace?: string;
  name: string;
  /** Pod events, oldest first. */
  events: CoreV1Event[];
  /** `deployment/auth-service`, or `pod/x` for a bare pod. */
  workload: string;
  node?: string;
}

export function podFacts(ctx: AnalysisContext, pod: V1Pod): PodFacts {
  const ref = refOf(pod, 'Pod');
  const top = ctx.cluster.workloadOf(ref);
  const node = pod.spec?.nodeName;
  return {
    ctx,
    pod,
    ref,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    name: ref.name,
    events: [...ctx.cluster.eventsFor('Pod', ref.namespace, ref.name), ...orphanEventsOf(ctx, pod, ref)],
    workload: `${top.kind.toLowerCase()}/${top.name}`,
    ...(node ? { node } : {}),
  };
}

/**
 * Event rows that name no object (an Events section pasted without its describe header) are about
 * the pod the question names, or else the only pod in the evidence that is in trouble.
 */
function orphanEventsOf(ctx: AnalysisContext, pod: V1Pod, ref: ResourceRef): CoreV1Event[] {
  const orphans = ctx.cluster.orphanEvents();
  if (orphans.length === 0) return [];
  const t = ctx.target;
  if (t?.kind === 'Pod' && t.name) return t.name === ref.name ? orphans : [];
  const troubled = ctx.snapshot.pods.filter(isPodUnhealthy);
  return troubled.length === 1 && troubled[0] === pod ? orphans : [];
}

export const baseFacts = (p: PodFacts, container?: string): RemediationFacts => ({
  namespace: p.namespace,
  workload: p.workload,
  pod: p.name,
  ...(container ? { container } : {}),
  ...(p.node ? { node: p.node } : {}),
});

export const nodeLink = (p: PodFacts): FindingLinks => (p.node ? { node: p.node } : {});
