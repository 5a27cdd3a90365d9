import type { ClusterSnapshot, ContainerLog } from '../../cluster/snapshot.js';
import { splitContainerLogs } from '../dump-logs.js';

/**
 * Container logs given as text (`kubectl logs POD [-c C] [--previous] [--timestamps]`): which
 * pod and container they belong to comes from the caller (`--logs pod/container=FILE`), else
 * from the file name (`<pod>.log`, `<pod>.previous.log`, `<pod>_<container>.log`), else from
 * the only pod of the snapshot. Dump-style `==== START logs …` markers split containers.
 */
export interface LogTarget {
  namespace?: string;
  pod?: string;
  container?: string;
  previous?: boolean;
}

/** `[ns/]pod[/container][@previous]` as given before `=FILE` in `--logs`. */
export function parseLogTarget(spec: string): LogTarget {
  const previous = spec.endsWith('@previous');
  const parts = (previous ? spec.slice(0, -'@previous'.length) : spec).split('/').filter((p) => p !== '');
  const [a, b, c] = parts;
  const target: LogTarget = parts.length >= 3 ? { namespace: a, pod: b, container: c } : { pod: a, container: b };
  return previous ? { ...target, previous } : target;
}

function fromFileName(file: string | undefined): LogTarget {
  if (!file || file === '-') return {};
  const base = file.split(/[\\/]/).pop()!;
  const previous = /[.-]previous\.(log|txt)$/.test(base);
  const stem = base.replace(/([.-]previous)?\.(log|txt)$/, '');
  const [pod, container] = stem.split('_');
  return { pod, ...(container ? { container } : {}), ...(previous ? { previous } : {}) };
}

/** Resolves a log target against pods already known (describe/JSON inputs given with the logs). */
export function resolveLogTarget(snapshot: ClusterSnapshot, target: LogTarget, file?: string): Required<Omit<LogTarget, 'namespace'>> & { namespace: string } {
  const guess = { ...fromFileName(file), ...target };
  const pods = snapshot.pods;
  let pod = guess.pod ? pods.find((p) => p.metadata?.name === guess.pod) ?? pods.find((p) => p.metadata?.name?.startsWith(guess.pod!)) : undefined;
  if (!pod && !target.pod && pods.length === 1) pod = pods[0];
  const podName = pod?.metadata?.name ?? guess.pod ?? 'unknown';
  const containers = pod?.spec?.containers ?? [];
  // Without a container name, the logs belong to the container in trouble, else the first.
  const troubled = pod?.status?.containerStatuses?.find((s) => s.restartCount > 0 || !s.ready)?.name;
  const container = guess.container ?? troubled ?? containers[0]?.name ?? podName;
  return {
    namespace: guess.namespace ?? pod?.metadata?.namespace ?? '',
    pod: podName,
    container,
    previous: guess.previous ?? false,
  };
}

export function containerLogsFromText(text: string, t: { namespace: string; pod: string; container: string; previous: boolean }): ContainerLog[] {
  return [...splitContainerLogs(text, t.container)].map(([container, lines]) => ({
    namespace: t.namespace,
    pod: t.pod,
    container,
    previous: t.previous,
    lines,
  }));
}
