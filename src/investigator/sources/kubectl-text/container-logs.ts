import { UNNAMED, type ClusterSnapshot, type ContainerLog } from '../../cluster/snapshot.js';
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
  const [namespace, pod, container] = parts.length >= 3 ? parts : [undefined, ...parts];
  const target: LogTarget = { ...(namespace ? { namespace } : {}), ...(pod ? { pod } : {}), ...(container ? { container } : {}) };
  return previous ? { ...target, previous } : target;
}

const GENERIC_STEM = /^(?:logs?|output|out|stdout|stderr|console|container|app|error|errors|describe.*|events?|pod|text|paste|previous|current)$/i;

/**
 * A word that says what a file holds rather than whose it is (`scheduling-message.txt`,
 * `curl-port-80.txt`, `readiness-probe.txt`, `http-response.txt`): such a stem names a pod only
 * when the evidence has a pod of that name, never as a guess.
 */
const CONTENT_WORD = new Set([
  'message', 'messages', 'error', 'errors', 'event', 'events', 'status', 'state', 'reason', 'output', 'response', 'request',
  'result', 'probe', 'curl', 'http', 'grep', 'kubectl', 'crictl', 'journal', 'journalctl', 'describe', 'get', 'fragment',
  'line', 'lines', 'snippet', 'excerpt', 'paste', 'trace', 'stacktrace', 'dump', 'yaml', 'json', 'forward', 'nslookup',
]);
const describesContent = (stem: string): boolean => stem.toLowerCase().split(/[-_.]/).some((w) => CONTENT_WORD.has(w));

function fromFileName(file: string | undefined): LogTarget {
  if (!file || file === '-') return {};
  const base = file.split(/[\\/]/).pop()!;
  const previous = /[.-]previous\.(log|txt)$/.test(base) || /^logs?-previous\./.test(base);
  // `logs-api.txt`, `api-logs.txt`, `api.log`: the name people give a file of a pod's logs.
  const stem = base.replace(/([.-]previous)?\.(log|txt)$/, '').replace(/^logs?[-_]/, '').replace(/[-_]logs?$/, '');
  const [pod, container] = stem.split('_');
  return { ...(pod && !GENERIC_STEM.test(pod) ? { pod } : {}), ...(container ? { container } : {}), ...(previous ? { previous } : {}) };
}

type PodLike = ClusterSnapshot['pods'][number];

/** The pod a log text names (its name in a line), when exactly one pod of the evidence is named. */
function podNamedIn(pods: readonly PodLike[], text: string | undefined): PodLike | undefined {
  if (!text) return undefined;
  const named = pods.filter((p) => {
    const name = p.metadata?.name;
    return name !== undefined && name.length >= 5 && text.includes(name);
  });
  return named.length === 1 ? named[0] : undefined;
}

/** The template a pod was made from: its owner, else its name without the generated suffix (`api-7d9f8b6c5d-x2k4p` → `api-7d9f8b6c5d`). */
const templateOf = (p: PodLike): string =>
  p.metadata?.ownerReferences?.[0]?.name ?? (p.metadata?.name ?? '').replace(/-(?:[a-z0-9]{5}|\d+)$/, '');

const troubled = (p: PodLike): boolean =>
  (p.status?.containerStatuses ?? []).some((s) => s.restartCount > 0 || !s.ready) || !['Running', 'Succeeded'].includes(p.status?.phase ?? '');

/**
 * Whose logs these are: the pod (and container) the caller or the command named, else the file
 * name, else the pod the text names, else the only pod, else the only pod in trouble; otherwise
 * nobody in the evidence (the logs stand for the workload that wrote them).
 */
/** A file stem that is a container's name rather than a pod's (several pods share it). */
const namedContainerOnly = (pods: readonly PodLike[], stem: string | undefined): boolean =>
  stem !== undefined && pods.some((p) => [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].some((c) => c.name === stem));

export function resolveLogTarget(snapshot: ClusterSnapshot, target: LogTarget, file?: string, text?: string): Required<Omit<LogTarget, 'namespace'>> & { namespace: string } {
  const byName = fromFileName(file);
  const guess = { ...byName, ...target };
  const pods = snapshot.pods;
  const find = (name: string | undefined) => (name ? pods.find((p) => p.metadata?.name === name) ?? pods.find((p) => p.metadata?.name?.startsWith(name)) : undefined);
  // A file named after a container (`migrate.log`) belongs to the one pod that has that container.
  const byContainer = (name: string | undefined) => {
    const owners = name ? pods.filter((p) => [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].some((c) => c.name === name)) : [];
    return owners.length === 1 ? owners[0] : undefined;
  };
  let pod = find(target.pod) ?? find(byName.pod) ?? (target.pod ? undefined : byContainer(byName.pod));
  if (!pod && !target.pod) pod = podNamedIn(pods, text);
  if (!pod && !target.pod && pods.length === 1) pod = pods[0];
  if (!pod && !target.pod) {
    const inTrouble = pods.filter(troubled);
    // Several pods in trouble that are replicas of one template are one workload: its logs are theirs.
    if (inTrouble.length === 1 || (inTrouble.length > 1 && new Set(inTrouble.map(templateOf)).size === 1)) pod = inTrouble[0];
  }
  const guessedFromFile = !target.pod && byName.pod !== undefined && (namedContainerOnly(pods, byName.pod) || describesContent(byName.pod));
  const podName = pod?.metadata?.name ?? (guessedFromFile ? UNNAMED : guess.pod) ?? UNNAMED;
  const containers = pod?.spec?.containers ?? [];
  // Without a container name, the logs belong to the container in trouble, else the first.
  // An init container in trouble comes first: while it fails, the main containers have not started.
  const initInTrouble = pod?.status?.initContainerStatuses?.find((s) => s.restartCount > 0 || (s.state?.terminated?.exitCode ?? 0) !== 0 || (s.state?.waiting !== undefined && s.state.waiting.reason !== 'PodInitializing'))?.name;
  // An init container still running (`Init:0/1`, a wait-for-db loop) while no main container has started writes the only logs there are.
  const mainStarted = (pod?.status?.containerStatuses ?? []).some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  const initRunning = mainStarted ? undefined : pod?.status?.initContainerStatuses?.find((s) => s.state?.running)?.name;
  const inTroubleContainer = initInTrouble ?? initRunning ?? pod?.status?.containerStatuses?.find((s) => s.restartCount > 0 || !s.ready)?.name;
  const namedContainer = byName.pod && [...containers, ...(pod?.spec?.initContainers ?? [])].some((c) => c.name === byName.pod) ? byName.pod : undefined;
  const container = guess.container ?? namedContainer ?? inTroubleContainer ?? containers[0]?.name ?? '(container)';
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
