import type { CoreV1Event, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ResourceRef } from '../domain/diagnosis.js';
import { podStatusText, restartCount } from '../investigator/analyzers/pod-status.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import { ClusterQuery, refOf } from '../investigator/cluster/query.js';
import { selectorText } from '../investigator/cluster/selectors.js';
import { hostPortIn } from '../investigator/logs/extract.js';

/**
 * The part of the (already redacted) evidence that the question is about, small enough for the
 * ledger, the task input and a model prompt: the target pods and their containers, the owner
 * chain and sibling pods, the services that select them or that their logs try to reach (with
 * endpoint counts), warning events, and log tails (current and previous). Each pod, event and log
 * stream keeps its namespace, so the evidence catalogue can name every item exactly as the
 * analyzers quote it (see evidence-catalogue.ts).
 */
export interface EvidenceSummary {
  source: string;
  namespace: string | undefined;
  targets: string[];
  owners: ResourceRef[];
  pods: Array<{ name: string; namespace?: string; status: string; ready: boolean; restarts: number; containers: Array<{ name: string; state: string; lastState?: string; exitCode?: number }> }>;
  services: Array<{ name: string; namespace?: string; selector: string; ports: string; readyEndpoints: number | null; notReadyEndpoints: number | null; why: 'selects_target' | 'named_in_logs' }>;
  events: Array<{ type: string; reason: string; object: string; namespace?: string; message: string; count: number }>;
  logs: Array<{ pod: string; namespace?: string; container: string; previous: boolean; lines: string[] }>;
  counts: { pods: number; services: number; events: number; logLines: number };
  warnings: string[];
}

const LOG_TAIL = 15;
const MAX_EVENTS = 25;
const MAX_LOG_STREAMS = 8;

function containerState(s: NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number]): { state: string; lastState?: string; exitCode?: number } {
  const st = s.state;
  const state = st?.waiting ? `waiting (${st.waiting.reason ?? ''})` : st?.terminated ? `terminated (${st.terminated.reason ?? ''}, exit ${st.terminated.exitCode})` : st?.running ? 'running' : 'unknown';
  const last = s.lastState?.terminated;
  return { state, ...(last ? { lastState: `terminated (${last.reason ?? ''}, exit ${last.exitCode})`, exitCode: last.exitCode } : {}) };
}

/** Services the target pods' logs try to reach (`postgres.production.svc:5432`, a cluster IP). */
function servicesNamedInLogs(cluster: ClusterQuery, pods: V1Pod[]): V1Service[] {
  const found = new Set<V1Service>();
  for (const pod of pods) {
    for (const log of cluster.logsOfPod(pod.metadata?.namespace, pod.metadata?.name ?? '')) {
      for (const line of log.lines) {
        const hp = hostPortIn(line);
        const svc = hp ? cluster.serviceForHost(hp.host, pod.metadata?.namespace) : undefined;
        if (svc) found.add(svc);
      }
    }
  }
  return [...found];
}

const ns = (namespace: string | undefined) => (namespace ? { namespace } : {});

const eventLine = (e: CoreV1Event) => ({
  type: e.type ?? '',
  reason: e.reason ?? '',
  object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
  ...ns(e.involvedObject?.namespace ?? e.metadata?.namespace),
  message: e.message ?? '',
  count: e.count ?? 1,
});

export function summarizeEvidence(snapshot: ClusterSnapshot, focus: { namespace?: string | undefined; pods?: string[] | undefined; wide: boolean }): EvidenceSummary {
  const cluster = new ClusterQuery(snapshot);
  const inNs = snapshot.pods.filter((p) => !focus.namespace || p.metadata?.namespace === focus.namespace);
  const named = new Set(focus.pods ?? []);
  const targets = focus.wide || named.size === 0 ? inNs : inNs.filter((p) => named.has(p.metadata?.name ?? ''));
  const first = targets[0];
  const owners = first ? cluster.ownerChain(first).map(({ object: _o, ...ref }) => ref) : [];
  const siblings = first ? cluster.siblingsOf(first) : [];
  const pods = [...new Map([...targets, ...siblings].map((p) => [p.metadata?.name ?? '', p])).values()];

  const services = new Map<V1Service, EvidenceSummary['services'][number]['why']>();
  for (const p of pods) for (const s of cluster.servicesSelecting(p)) services.set(s, 'selects_target');
  for (const s of servicesNamedInLogs(cluster, pods)) if (!services.has(s)) services.set(s, 'named_in_logs');

  const refs: ResourceRef[] = [...pods.map((p) => refOf(p, 'Pod')), ...owners, ...[...services.keys()].map((s) => refOf(s, 'Service'))];
  const events = refs.flatMap((r) => cluster.eventsFor(r.kind, r.namespace, r.name));
  const warnings = events.filter((e) => e.type === 'Warning');
  const shownEvents = [...warnings, ...events.filter((e) => e.type !== 'Warning')].slice(0, MAX_EVENTS);

  const logs = pods
    .flatMap((p) => cluster.logsOfPod(p.metadata?.namespace, p.metadata?.name ?? ''))
    .sort((a, b) => Number(b.previous) - Number(a.previous))
    .slice(0, MAX_LOG_STREAMS)
    .map((l) => ({ pod: l.pod, ...ns(l.namespace), container: l.container, previous: l.previous, lines: l.lines.slice(-LOG_TAIL) }));

  return {
    source: snapshot.source.description,
    namespace: focus.namespace,
    targets: targets.map((p) => p.metadata?.name ?? ''),
    owners,
    pods: pods.slice(0, 20).map((p) => ({
      name: p.metadata?.name ?? '',
      ...ns(p.metadata?.namespace),
      status: podStatusText(p),
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      restarts: restartCount(p),
      containers: (p.status?.containerStatuses ?? []).map((s) => ({ name: s.name, ...containerState(s) })),
    })),
    services: [...services.entries()].map(([s, why]) => {
      const ep = cluster.endpointAddresses(s);
      return {
        name: s.metadata?.name ?? '',
        ...ns(s.metadata?.namespace),
        selector: selectorText(s.spec?.selector),
        ports: (s.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','),
        readyEndpoints: ep ? ep.ready : null,
        notReadyEndpoints: ep ? ep.notReady : null,
        why,
      };
    }),
    events: shownEvents.map(eventLine),
    logs,
    counts: {
      pods: pods.length,
      services: services.size,
      events: events.length,
      logLines: logs.reduce((n, l) => n + l.lines.length, 0),
    },
    warnings: snapshot.source.warnings ?? [],
  };
}
