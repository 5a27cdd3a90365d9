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

/** Containers whose logs are worth reading: the ones in trouble, current and previous instance. */
export function containersToRead(pod: V1Pod): { container: string; previous: boolean }[] {
  const out: { container: string; previous: boolean }[] = [];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    if (!containerNeedsAttention(s) && s.ready) continue;
    // A container that never started has no logs to read.
    const started = s.state?.running !== undefined || s.state?.terminated !== undefined || s.lastState?.terminated !== undefined;
    if (!started) continue;
    out.push({ container: s.name, previous: false });
    if (s.restartCount > 0 || s.lastState?.terminated !== undefined) out.push({ container: s.name, previous: true });
  }
  return out;
}
