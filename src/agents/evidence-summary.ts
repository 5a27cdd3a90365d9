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
const MAX_PODS = 20;
const MAX_SERVICES = 20;
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

/** Named pods first, then the ones in trouble (not ready, most restarts), then the rest in listing order. */
function inTroubleFirst(pods: V1Pod[], named: Set<string>): V1Pod[] {
  const rank = (p: V1Pod) => [named.has(p.metadata?.name ?? '') ? 0 : 1, isReady(p) ? 1 : 0, -restartCount(p)];
  const keyed = pods.map((p, i) => ({ p, i, k: rank(p) }));
  keyed.sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]! || a.k[2]! - b.k[2]! || a.i - b.i);
  return keyed.map((x) => x.p);
}

const isReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export function summarizeEvidence(snapshot: ClusterSnapshot, focus: { namespace?: string | undefined; pods?: string[] | undefined; wide: boolean }): EvidenceSummary {
  const cluster = new ClusterQuery(snapshot);
  const inNs = snapshot.pods.filter((p) => !focus.namespace || p.metadata?.namespace === focus.namespace);
  const named = new Set(focus.pods ?? []);
  const targets = named.size === 0 ? inNs : inNs.filter((p) => named.has(p.metadata?.name ?? ''));
  const first = targets[0];
  const owners = first ? cluster.ownerChain(first).map(({ object: _o, ...ref }) => ref) : [];
  const siblings = first ? cluster.siblingsOf(first) : [];
  // The wide pass looks at the whole namespace; either way only the most telling pods are shown.
  const considered = focus.wide ? inNs : [...new Map([...targets, ...siblings].map((p) => [p.metadata?.name ?? '', p])).values()];
  const pods = inTroubleFirst(considered, named).slice(0, MAX_PODS);

  const found = new Map<V1Service, EvidenceSummary['services'][number]['why']>();
  for (const p of pods) for (const s of cluster.servicesSelecting(p)) found.set(s, 'selects_target');
  for (const s of servicesNamedInLogs(cluster, pods)) if (!found.has(s)) found.set(s, 'named_in_logs');
  const services = [...found.entries()].slice(0, MAX_SERVICES);

  const refs: ResourceRef[] = [...pods.map((p) => refOf(p, 'Pod')), ...owners, ...services.map(([s]) => refOf(s, 'Service'))];
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
    targets: targets.slice(0, MAX_PODS).map((p) => p.metadata?.name ?? ''),
    owners,
    pods: pods.map((p) => ({
      name: p.metadata?.name ?? '',
      ...ns(p.metadata?.namespace),
      status: podStatusText(p),
      ready: isReady(p),
      restarts: restartCount(p),
      containers: (p.status?.containerStatuses ?? []).map((s) => ({ name: s.name, ...containerState(s) })),
    })),
    services: services.map(([s, why]) => {
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
      pods: considered.length,
      services: found.size,
      events: events.length,
      logLines: logs.reduce((n, l) => n + l.lines.length, 0),
    },
    warnings: snapshot.source.warnings ?? [],
  };
}
