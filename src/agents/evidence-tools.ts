import type { V1ObjectMeta } from '@kubernetes/client-node';
import { SyntraError } from '../domain/errors.js';
import { canonicalKind } from '../investigator/cluster/kinds.js';
import { podStatusText, restartCount } from '../investigator/analyzers/pod-status.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import { ClusterQuery } from '../investigator/cluster/query.js';
import { selectorMatches } from '../investigator/cluster/selectors.js';
import type { ToolHandler } from '../llm/tool-loop.js';

/**
 * The read-only evidence tools a routed model may call (their definitions live in the control
 * registry), answered from the run's collected, already-redacted evidence — never from the live
 * cluster, so a model can read nothing the run did not collect and mask, and can change nothing.
 */
type Args = Record<string, unknown>;

const str = (a: Args, name: string, required = true): string | undefined => {
  const v = a[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new SyntraError('validation_failed', `argument "${name}" is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new SyntraError('validation_failed', `argument "${name}" must be a string`);
  return v;
};

const asArgs = (raw: unknown): Args => (raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Args) : {});

/** Objects without the bookkeeping a model does not need (managedFields alone can be most of the bytes). */
function trimmed(obj: object): unknown {
  const o = obj as { metadata?: V1ObjectMeta };
  if (!o.metadata) return obj;
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
}

export function evidenceTools(snapshot: ClusterSnapshot): Record<string, ToolHandler> {
  let query: ClusterQuery | undefined;
  const cluster = (): ClusterQuery => (query ??= new ClusterQuery(snapshot));
  return {
    async get_resource(raw) {
      const a = asArgs(raw);
      const ref = { kind: canonicalKind(str(a, 'kind')!), name: str(a, 'name')!, ...(str(a, 'namespace', false) ? { namespace: str(a, 'namespace', false)! } : {}) };
      const obj = cluster().find(ref);
      if (!obj) throw new SyntraError('not_found', `${ref.kind} ${ref.name} is not in the collected evidence`);
      return trimmed(obj);
    },
    async get_logs(raw) {
      const a = asArgs(raw);
      const pod = { kind: 'Pod', name: str(a, 'pod')!, namespace: str(a, 'namespace')! };
      const container = str(a, 'container', false);
      const previous = typeof a.previous === 'boolean' ? a.previous : undefined;
      const tail = typeof a.tailLines === 'number' && a.tailLines > 0 ? Math.min(a.tailLines, 5000) : 200;
      const logs = cluster().logsOfPod(pod.namespace, pod.name).filter((l) => (container === undefined || l.container === container) && (previous === undefined || l.previous === previous));
      if (logs.length === 0) throw new SyntraError('not_found', `no logs of pod ${pod.name} in the collected evidence`);
      return logs.map((l) => ({ container: l.container, previous: l.previous, lines: l.lines.slice(-tail) }));
    },
    async get_events(raw) {
      const a = asArgs(raw);
      const namespace = str(a, 'namespace')!;
      const kind = str(a, 'kind', false);
      const name = str(a, 'name', false);
      const events = kind && name ? cluster().eventsFor(kind, namespace, name) : snapshot.events.filter((e) => e.metadata?.namespace === namespace);
      return events.slice(-50).map((e) => ({ type: e.type, reason: e.reason, object: `${e.involvedObject?.kind}/${e.involvedObject?.name}`, message: e.message, count: e.count, last: e.lastTimestamp ?? e.eventTime }));
    },
    async get_related_resources(raw) {
      const a = asArgs(raw);
      const ref = { kind: canonicalKind(str(a, 'kind')!), name: str(a, 'name')!, namespace: str(a, 'namespace')! };
      const obj = cluster().find(ref);
      if (!obj) throw new SyntraError('not_found', `${ref.kind} ${ref.name} is not in the collected evidence`);
      const owners = cluster().ownerChain(obj).map(({ object: _o, ...r }) => r);
      const pods = cluster().podsOf(cluster().workloadOf(ref));
      const services = [...new Set(pods.flatMap((p) => cluster().servicesSelecting(p)))];
      const spec = (obj as { spec?: { nodeName?: string; volumes?: Array<{ secret?: { secretName?: string }; configMap?: { name?: string }; persistentVolumeClaim?: { claimName?: string } }> } }).spec;
      return {
        owners,
        pods: pods.map((p) => ({ name: p.metadata?.name, status: podStatusText(p) })),
        services: services.map((s) => ({ name: s.metadata?.name, endpoints: cluster().endpointAddresses(s) ?? null })),
        node: spec?.nodeName ?? null,
        secrets: (spec?.volumes ?? []).map((v) => v.secret?.secretName).filter(Boolean),
        configMaps: (spec?.volumes ?? []).map((v) => v.configMap?.name).filter(Boolean),
        claims: (spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean),
      };
    },
    async list_pods(raw) {
      const a = asArgs(raw);
      const namespace = str(a, 'namespace')!;
      const selector = str(a, 'labelSelector', false);
      const wanted = selector ? Object.fromEntries(selector.split(',').map((kv) => kv.split('=').map((s) => s.trim()) as [string, string])) : undefined;
      return snapshot.pods
        .filter((p) => p.metadata?.namespace === namespace && (!wanted || selectorMatches(wanted, p.metadata?.labels)))
        .map((p) => ({ name: p.metadata?.name, status: podStatusText(p), restarts: restartCount(p), owner: ((w) => (w.kind === 'Pod' ? null : w.name))(cluster().workloadOf({ kind: 'Pod', name: p.metadata?.name ?? '', namespace })) }));
    },
  };
}
