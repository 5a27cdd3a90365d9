import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { EvidenceItem, ResourceRef } from '../../domain/diagnosis.js';
import { refOf } from '../cluster/query.js';
import { selectorMatches, selectorText } from '../cluster/selectors.js';
import type { AnalysisContext } from './context.js';
import { fieldEvidence, specEvidence } from './evidence.js';

import { podStatusText } from './pod-status.js';

/**
 * Whether a Service has ready endpoints, and if not, why: its backing workload is scaled to zero,
 * no pod matches the selector, or the matching pods are not ready.
 */
export interface EndpointsState {
  ready: number;
  notReady: number;
  /** How sure we are of the count: the Endpoints object itself, or inferred from pods. */
  source: 'endpoints' | 'pods';
  evidence: EvidenceItem[];
}

export interface NoEndpointsReason {
  text: string;
  /** Pods match the selector but none is ready: a consequence of the pods' own problem. */
  podsNotReady?: boolean;
  /** e.g. `deployment/postgres`. */
  backend?: string;
  backendRef?: ResourceRef;
  evidence: EvidenceItem[];
}

export function matchingPods(ctx: AnalysisContext, svc: V1Service): V1Pod[] {
  return ctx.cluster.podsSelectedBy(svc).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

export function endpointsState(ctx: AnalysisContext, svc: V1Service): EndpointsState {
  const ref = refOf(svc, 'Service');
  const ep = ctx.cluster.get('Endpoints', ref.namespace, ref.name);
  if (ep) {
    const epRef = refOf(ep, 'Endpoints');
    const ready = (ep.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
    const notReady = (ep.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
    const value = ready > 0 ? `${ready} ready address(es)` : !ep.subsets || ep.subsets.length === 0 ? '<none> (no subsets)' : `0 ready, ${notReady} not-ready address(es)`;
    return { ready, notReady, source: 'endpoints', evidence: [fieldEvidence(epRef, 'subsets', value)] };
  }
  const pods = matchingPods(ctx, svc);
  const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  return { ready, notReady: pods.length - ready, source: 'pods', evidence: [fieldEvidence(ref, 'matching pods ready', `${ready}/${pods.length}`)] };
}

export function whyNoEndpoints(ctx: AnalysisContext, svc: V1Service): NoEndpointsReason {
  const ref = refOf(svc, 'Service');
  const sel = svc.spec?.selector ?? {};
  const selEvidence = specEvidence(ref, 'spec.selector', selectorText(sel));
  const pods = matchingPods(ctx, svc);
  if (pods.length > 0) {
    const top = ctx.cluster.workloadOf(refOf(pods[0]!, 'Pod'));
    const states = pods.slice(0, 3).map((p) => `${p.metadata?.name}: ${podStatusText(p)}`).join(', ');
    return {
      text: `${pods.length} pod(s) match selector ${selectorText(sel)} but none is ready (${states})`,
      backend: `${top.kind.toLowerCase()}/${top.name}`,
      backendRef: top,
      podsNotReady: true,
      evidence: [selEvidence],
    };
  }
  const workloads = [
    ...ctx.snapshot.deployments.map((d) => ({ kind: 'Deployment', o: d, replicas: d.spec?.replicas ?? 1, labels: d.spec?.template?.metadata?.labels })),
    ...ctx.snapshot.statefulSets.map((d) => ({ kind: 'StatefulSet', o: d, replicas: d.spec?.replicas ?? 1, labels: d.spec?.template?.metadata?.labels })),
  ].filter((w) => (w.o.metadata?.namespace ?? '') === (ref.namespace ?? '') && selectorMatches(sel, w.labels));
  const scaledToZero = workloads.find((w) => w.replicas === 0);
  if (scaledToZero) {
    const wref = refOf(scaledToZero.o, scaledToZero.kind);
    return {
      text: `${wref.kind.toLowerCase()} ${wref.name} is scaled to 0 replicas`,
      backend: `${wref.kind.toLowerCase()}/${wref.name}`,
      backendRef: wref,
      evidence: [selEvidence, fieldEvidence(wref, 'spec.replicas', 0)],
    };
  }
  const noPods = workloads[0];
  if (noPods) {
    const wref = refOf(noPods.o, noPods.kind);
    return {
      text: `${wref.kind.toLowerCase()} ${wref.name} wants ${noPods.replicas} replica(s) but has no pods`,
      backend: `${wref.kind.toLowerCase()}/${wref.name}`,
      backendRef: wref,
      evidence: [selEvidence, fieldEvidence(wref, 'spec.replicas', noPods.replicas)],
    };
  }
  return { text: `no pod or workload in ${ref.namespace ? `namespace ${ref.namespace}` : 'the evidence'} matches selector ${selectorText(sel)}${namesake(ctx, ref)}`, evidence: [selEvidence] };
}

/** A workload named like the service whose pods carry other labels: the likely selector mismatch. */
function namesake(ctx: AnalysisContext, ref: ResourceRef): string {
  const w =
    ctx.cluster.get('Deployment', ref.namespace, ref.name) ?? ctx.cluster.get('StatefulSet', ref.namespace, ref.name);
  const labels = w?.spec?.template?.metadata?.labels;
  if (!w || !labels) return '';
  const kind = 'serviceName' in (w.spec ?? {}) ? 'statefulset' : 'deployment';
  return ` (${kind} ${ref.name} labels its pods ${selectorText(labels)}: selector mismatch?)`;
}
