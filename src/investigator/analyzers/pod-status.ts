import type { CoreV1Event, V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { TERMINATING_ANNOTATION } from '../sources/kubectl-text/get-table.js';

/**
 * Facts about a pod's containers, read the way kubectl reads them: the STATUS column
 * (CrashLoopBackOff, Init:Error, ImagePullBackOff, Evicted …) and which init containers are
 * sidecars (restartPolicy: Always, Kubernetes ≥ 1.28), which run beside the main containers.
 */
export type ContainerRole = 'init' | 'sidecar' | 'main';

export interface ContainerView {
  name: string;
  role: ContainerRole;
  spec?: V1Container;
  status?: V1ContainerStatus;
  /** `status.containerStatuses[auth]` or `status.initContainerStatuses[migrate]`. */
  statusPath: string;
}

/** Deleted, and the kubelet has not confirmed it yet (kubectl's `Terminating`). */
export const isTerminating = (pod: V1Pod): boolean => Boolean(pod.metadata?.deletionTimestamp) || pod.metadata?.annotations?.[TERMINATING_ANNOTATION] === 'true';

export const isSidecar = (spec: V1Container | undefined): boolean => spec?.restartPolicy === 'Always';

export function containerViews(pod: V1Pod): ContainerView[] {
  const views: ContainerView[] = [];
  const initStatuses = new Map((pod.status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
  for (const spec of pod.spec?.initContainers ?? []) {
    const status = initStatuses.get(spec.name);
    views.push({ name: spec.name, role: isSidecar(spec) ? 'sidecar' : 'init', spec, ...(status ? { status } : {}), statusPath: `status.initContainerStatuses[${spec.name}]` });
  }
  // Objects parsed from text (a get table's `Init:CrashLoopBackOff`) may have init statuses without specs.
  for (const [name, status] of initStatuses) {
    if (!views.some((v) => v.name === name)) views.push({ name, role: 'init', status, statusPath: `status.initContainerStatuses[${name}]` });
  }
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  for (const spec of pod.spec?.containers ?? []) {
    const status = statuses.get(spec.name);
    views.push({ name: spec.name, role: 'main', spec, ...(status ? { status } : {}), statusPath: `status.containerStatuses[${spec.name}]` });
  }
  // Objects parsed from describe text may have statuses without specs.
  for (const [name, status] of statuses) {
    if (!views.some((v) => v.name === name)) views.push({ name, role: 'main', status, statusPath: `status.containerStatuses[${name}]` });
  }
  return views;
}

/** Events about one container (fieldPath `spec.containers{name}`), or about the pod as a whole. */
export function containerEvents(events: readonly CoreV1Event[], container: string): CoreV1Event[] {
  return events.filter((e) => {
    const fp = e.involvedObject.fieldPath;
    return !fp || fp.endsWith(`{${container}}`);
  });
}

/** The STATUS column of `kubectl get pods`. */
export function podStatusText(pod: V1Pod): string {
  if (isTerminating(pod)) return 'Terminating';
  if (pod.status?.reason) return pod.status.reason;
  const views = containerViews(pod);
  const inits = views.filter((v) => v.role === 'init');
  for (const [i, v] of inits.entries()) {
    const s = v.status;
    if (s?.state?.terminated && s.state.terminated.exitCode !== 0) return `Init:${s.state.terminated.reason ?? 'Error'}`;
    if (s?.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') return `Init:${s.state.waiting.reason}`;
    if (s && !s.state?.terminated) return `Init:${i}/${inits.length}`;
  }
  let status = pod.status?.phase ?? 'Unknown';
  for (const v of views.filter((x) => x.role !== 'init')) {
    const s = v.status;
    if (s?.state?.waiting?.reason) status = s.state.waiting.reason;
    else if (s?.state?.terminated && status !== 'Running') status = s.state.terminated.reason ?? `ExitCode:${s.state.terminated.exitCode}`;
  }
  return status;
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function restartCount(pod: V1Pod): number {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].reduce((n, s) => n + (s.restartCount ?? 0), 0);
}

/**
 * A pod whose phase the evidence does not give (a describe fragment) but whose every container
 * terminated with exit code 0 and never restarted has run to completion: the kubelet's phase for it is
 * Succeeded (getPhase, pkg/kubelet/kubelet_pods.go), whatever reason word the runtime printed beside the
 * code (the docker runtime of 1.1-1.2 reported `Reason: Error` for exit code 0, kubernetes#22795).
 */
export function ranToCompletion(pod: V1Pod): boolean {
  if (pod.status?.phase !== undefined) return pod.status.phase === 'Succeeded';
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((s) => s.state?.terminated?.exitCode === 0 && s.restartCount === 0);
}
