import type { ContainerLog } from '../../../src/investigator/cluster/snapshot.js';

/**
 * `GET …/pods/{name}/log` as the kubelet answers it. Which container instance a request reads
 * follows the kubelet's `validateContainerLogStatus`: `previous=true` reads the instance in
 * `lastState.terminated` (none: 400 "previous terminated container … not found"); otherwise a
 * running container reads its current instance, and a container waiting to restart
 * (CrashLoopBackOff) reads the LAST TERMINATED instance — the same log as `previous=true`. A
 * container that never ran is a 400 "is waiting to start".
 *
 * The dump keeps at most two logs per container: current and `previous`. For a waiting container
 * the current one is what `kubectl cluster-info dump` captured, i.e. the kubelet's answer above:
 * the last terminated instance. It wins; the previous file stands in when it is missing.
 */
type Raw = Record<string, any>;

export type LogAnswer = { ok: true; lines: string[]; startedAt: string | undefined } | { ok: false; message: string };

const IMAGE_WAITING: Record<string, string> = {
  ErrImagePull: "image can't be pulled",
  ImagePullBackOff: 'trying and failing to pull image',
};

export function podLog(pod: Raw, container: string, previous: boolean, logs: readonly ContainerLog[]): LogAnswer {
  const podName: string = pod.metadata.name;
  const find = (prev: boolean) => logs.find((l) => l.namespace === pod.metadata.namespace && l.pod === podName && l.container === container && l.previous === prev);
  const statuses: Raw[] = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container);
  if (!status) return { ok: false, message: `container "${container}" in pod "${podName}" is not available` };
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  const lastInstance = (): LogAnswer => ({ ok: true, lines: (find(false) ?? find(true))?.lines ?? [], startedAt: last?.startedAt });

  if (previous) {
    if (!last) return { ok: false, message: `previous terminated container "${container}" in pod "${podName}" not found` };
    if (!running && !terminated) return lastInstance();
    return { ok: true, lines: find(true)?.lines ?? [], startedAt: last.startedAt };
  }
  if (running) return { ok: true, lines: find(false)?.lines ?? [], startedAt: running.startedAt };
  if (terminated) return { ok: true, lines: find(false)?.lines ?? [], startedAt: terminated.startedAt };
  if (last) return lastInstance();
  if (waiting) {
    const reason: string = waiting.reason ?? 'ContainerCreating';
    return { ok: false, message: `container "${container}" in pod "${podName}" is waiting to start: ${IMAGE_WAITING[reason] ?? reason}` };
  }
  return { ok: false, message: `container "${container}" in pod "${podName}" is waiting to start - no logs yet` };
}

/** The kubelet prefixes each line with RFC 3339 nano time under `timestamps=true`. */
export function withTimestamps(lines: readonly string[], startedAt: string | undefined): string[] {
  const start = Date.parse(startedAt ?? '2025-01-01T00:00:00Z');
  return lines.map((l, i) => `${new Date(start + i).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ${l}`);
}
