import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/**
 * Whether a pod needs a closer look (its logs fetched, its owner examined). Deliberately wide:
 * a container that restarted, is not ready, waits for a reason other than a normal start, or
 * terminated with an error. Succeeded pods are healthy whatever their sidecars did.
 */
const NORMAL_WAITING = new Set(['ContainerCreating', 'PodInitializing']);

export function containerNeedsAttention(s: V1ContainerStatus): boolean {
  const waiting = s.state?.waiting?.reason;
  const terminated = s.state?.terminated;
  return (
    s.restartCount > 0 ||
    (waiting !== undefined && !NORMAL_WAITING.has(waiting)) ||
    (terminated !== undefined && (terminated.exitCode !== 0 || terminated.reason === 'OOMKilled'))
  );
}

export function isPodUnhealthy(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return false;
  if (phase === 'Failed' || phase === 'Unknown' || pod.status?.reason === 'Evicted') return true;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  if (statuses.some(containerNeedsAttention)) return true;
  if (phase === 'Pending') return true;
  // Running but not ready (readiness probe failing).
  return (pod.status?.containerStatuses ?? []).some((s) => !s.ready && s.state?.running !== undefined);
}

/**
 * Containers whose logs are worth reading, current and previous instance: the ones in trouble,
 * or with `everyContainer` every container that runs (a pod the question is about; containers
 * that ran to completion, such as init containers, are left out unless they failed).
 * A container waiting to restart (CrashLoopBackOff) is read once, as `previous`: the kubelet
 * answers the last terminated instance whether or not `previous` is asked for.
 */
export function containersToRead(pod: V1Pod, options: { everyContainer?: boolean } = {}): { container: string; previous: boolean }[] {
  const out: { container: string; previous: boolean }[] = [];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const wanted = containerNeedsAttention(s) || !s.ready || (options.everyContainer === true && s.state?.running !== undefined);
    if (!wanted) continue;
    const lastInstance = s.lastState?.terminated !== undefined;
    const waitingToRestart = s.state?.waiting !== undefined && lastInstance;
    // A container that never started has no logs to read.
    const started = s.state?.running !== undefined || s.state?.terminated !== undefined || lastInstance;
    if (!started) continue;
    if (!waitingToRestart) out.push({ container: s.name, previous: false });
    if (s.restartCount > 0 || lastInstance) out.push({ container: s.name, previous: true });
  }
  return out;
}
