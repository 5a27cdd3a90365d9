import type { V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { SyntraError } from '../domain/errors.js';
import { eventEvidence, logEvidence } from '../investigator/analyzers/evidence.js';
import { podStatusText, restartCount } from '../investigator/analyzers/pod-status.js';
import { canonicalKind } from '../investigator/cluster/kinds.js';
import { ClusterQuery } from '../investigator/cluster/query.js';
import { selectorMatches } from '../investigator/cluster/selectors.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import type { ToolHandler } from '../llm/tool-loop.js';
import type { EvidenceCatalogue } from './evidence-catalogue.js';

/**
 * The read-only evidence tools a routed model may call, each with its argument schema beside
 * its code: the registry's built-in tool definitions are taken from here, and every call's
 * arguments are checked against the schema before the tool runs (a mismatch goes back to the
 * model as an error it can correct). They answer from the run's collected, already-redacted
 * evidence — never from the live cluster — so a model reads nothing the run did not collect
 * and mask, and changes nothing.
 */
const Name = (description: string) => Type.String({ minLength: 1, maxLength: 253, description });
const Kind = Type.String({ minLength: 1, maxLength: 100, description: 'Object kind, e.g. Pod, Deployment, Service (kubectl short names work too)' });
/** Equality selectors, as `kubectl get -l` takes them: `app=auth-service,tier=api`. */
const SELECTOR = '^\\s*[A-Za-z0-9][-A-Za-z0-9_./]*\\s*==?\\s*[-A-Za-z0-9_.]*\\s*(,\\s*[A-Za-z0-9][-A-Za-z0-9_./]*\\s*==?\\s*[-A-Za-z0-9_.]*\\s*)*$';

interface ToolInput {
  snapshot: ClusterSnapshot;
  cluster: ClusterQuery;
  /** Log lines and events carry their evidence id, so the model can cite what a tool showed it. */
  catalogue: EvidenceCatalogue;
}

interface EvidenceTool<S extends TObject> {
  name: string;
  description: string;
  parameters: S;
  run(args: Static<S>, input: ToolInput): unknown;
}

const tool = <S extends TObject>(t: EvidenceTool<S>): EvidenceTool<S> => t;
const args = <P extends Parameters<typeof Type.Object>[0]>(properties: P) => Type.Object(properties, { additionalProperties: false });

/** Objects without the bookkeeping a model does not need (managedFields alone can be most of the bytes). */
function trimmed(obj: object): unknown {
  const o = obj as { metadata?: V1ObjectMeta };
  if (!o.metadata) return obj;
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
}

function notCollected(cluster: ClusterQuery, kind: string, name: string, namespace?: string): SyntraError {
  const closest = cluster.closestNames(kind, name, namespace);
  return new SyntraError('not_found', `${kind} ${name}${namespace ? ` in ${namespace}` : ''} is not in the collected evidence${closest.length ? ` (closest: ${closest.join(', ')})` : ''}`);
}

const getResource = tool({
  name: 'get_resource',
  description: 'Read one Kubernetes object (spec and status) by kind, name and namespace.',
  parameters: args({ kind: Kind, name: Name('Object name'), namespace: Type.Optional(Name('Namespace (omit for cluster-scoped kinds)')) }),
  run(a, { cluster }) {
    const kind = canonicalKind(a.kind);
    const obj = cluster.find({ kind, name: a.name, ...(a.namespace ? { namespace: a.namespace } : {}) });
    if (!obj) throw notCollected(cluster, kind, a.name, a.namespace);
    return trimmed(obj);
  },
});

const getLogs = tool({
  name: 'get_logs',
  description: 'Read the logs of a pod container, optionally of its previous (crashed) instance.',
  parameters: args({
    namespace: Name('Namespace'),
    pod: Name('Pod name'),
    container: Type.Optional(Name('Container name (omit for all containers)')),
    previous: Type.Optional(Type.Boolean({ description: 'Logs of the previous terminated instance' })),
    tailLines: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'Last N lines (default 200)' })),
  }),
  run(a, { cluster, catalogue }) {
    const logs = cluster.logsOfPod(a.namespace, a.pod).filter((l) => (a.container === undefined || l.container === a.container) && (a.previous === undefined || l.previous === a.previous));
    if (logs.length === 0) throw new SyntraError('not_found', `no logs of pod ${a.pod}${a.container ? ` container ${a.container}` : ''} in the collected evidence`);
    return logs.map((l) => {
      const pod = { kind: 'Pod', name: l.pod, ...(l.namespace ? { namespace: l.namespace } : {}) };
      const lines = l.lines.slice(-(a.tailLines ?? 200)).map((text) => ({ id: catalogue.idOf(logEvidence(pod, l.container, l.previous, text)) ?? null, text }));
      return { container: l.container, previous: l.previous, lines };
    });
  },
});

const getEvents = tool({
  name: 'get_events',
  description: 'List the Kubernetes events of a namespace, or of one object in it.',
  parameters: args({ namespace: Name('Namespace'), kind: Type.Optional(Kind), name: Type.Optional(Name('Involved object name')) }),
  run(a, { snapshot, cluster, catalogue }) {
    if ((a.kind === undefined) !== (a.name === undefined)) throw new SyntraError('validation_failed', 'give kind and name together (the events of one object), or neither (the whole namespace)');
    const events = a.kind && a.name ? cluster.eventsFor(canonicalKind(a.kind), a.namespace, a.name) : snapshot.events.filter((e) => (e.involvedObject?.namespace ?? e.metadata?.namespace) === a.namespace);
    return events.slice(-50).map((e) => {
      const o = e.involvedObject;
      const namespace = o?.namespace ?? e.metadata?.namespace;
      const id = catalogue.idOf(eventEvidence({ kind: o?.kind ?? '', name: o?.name ?? '', ...(namespace ? { namespace } : {}) }, e)) ?? null;
      return { id, type: e.type, reason: e.reason, object: `${o?.kind}/${o?.name}`, message: e.message, count: e.count, last: e.lastTimestamp ?? e.eventTime };
    });
  },
});

const getRelatedResources = tool({
  name: 'get_related_resources',
  description: 'Owners, services, endpoints, config maps, secrets (names only), volumes and the node related to an object.',
  parameters: args({ namespace: Name('Namespace'), kind: Kind, name: Name('Object name') }),
  run(a, { cluster }) {
    const ref = { kind: canonicalKind(a.kind), name: a.name, namespace: a.namespace };
    const obj = cluster.find(ref);
    if (!obj) throw notCollected(cluster, ref.kind, a.name, a.namespace);
    const pods = cluster.podsOf(cluster.workloadOf(ref));
    const services = [...new Set(pods.flatMap((p) => cluster.servicesSelecting(p)))];
    const volumes = (obj as V1Pod).spec?.volumes ?? [];
    return {
      owners: cluster.ownerChain(obj).map(({ object: _o, ...r }) => r),
      pods: pods.map((p) => ({ name: p.metadata?.name, status: podStatusText(p) })),
      services: services.map((s) => ({ name: s.metadata?.name, endpoints: cluster.endpointAddresses(s) ?? null })),
      node: (obj as V1Pod).spec?.nodeName ?? null,
      secrets: volumes.flatMap((v) => (v.secret?.secretName ? [v.secret.secretName] : [])),
      configMaps: volumes.flatMap((v) => (v.configMap?.name ? [v.configMap.name] : [])),
      claims: volumes.flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [])),
    };
  },
});

const listPods = tool({
  name: 'list_pods',
  description: 'List the pods of a namespace with phase, readiness and restart counts.',
  parameters: args({ namespace: Name('Namespace'), labelSelector: Type.Optional(Type.String({ pattern: SELECTOR, maxLength: 1000, description: 'Equality label selector, e.g. app=auth-service,tier=api' })) }),
  run(a, { cluster }) {
    const wanted = a.labelSelector ? Object.fromEntries(a.labelSelector.split(',').map((kv) => kv.split(/==?/).map((s) => s.trim()) as [string, string])) : undefined;
    return cluster
      .podsIn(a.namespace)
      .filter((p) => !wanted || selectorMatches(wanted, p.metadata?.labels))
      .map((p) => {
        const owner = cluster.workloadOf({ kind: 'Pod', name: p.metadata?.name ?? '', namespace: a.namespace });
        return { name: p.metadata?.name, status: podStatusText(p), restarts: restartCount(p), owner: owner.kind === 'Pod' ? null : owner.name };
      });
  },
});

/** The tools, in the order the registry lists them. */
const EVIDENCE_TOOLS = [getResource, getLogs, getEvents, getRelatedResources, listPods] as const;

/** The definitions as the registry stores them: plain JSON Schema (no TypeBox symbols). */
export const EVIDENCE_TOOL_DEFINITIONS = EVIDENCE_TOOLS.map((t) => ({
  name: t.name,
  description: t.description,
  parameters: JSON.parse(JSON.stringify(t.parameters)) as { type: 'object'; [keyword: string]: unknown },
  readOnly: true,
}));

/** `/tailLines: Expected integer to be less or equal to 5000` — what the model gets back to correct its call. */
function checked<S extends TObject>(t: EvidenceTool<S>, raw: unknown): Static<S> {
  if (Value.Check(t.parameters, raw)) return raw;
  const errors = [...Value.Errors(t.parameters, raw)]
    .slice(0, 3)
    .map((e) => `${e.path || '(arguments)'}: ${e.type === ValueErrorType.StringPattern ? `expected ${String(e.schema.description)}` : e.message}`);
  throw new SyntraError('validation_failed', `arguments of ${t.name} do not match its schema: ${errors.join('; ')}`);
}

/** The handlers over one run's evidence, by tool name. */
export function evidenceTools(snapshot: ClusterSnapshot, catalogue: EvidenceCatalogue): Record<string, ToolHandler> {
  let query: ClusterQuery | undefined;
  const input = (): ToolInput => ({ snapshot, catalogue, cluster: (query ??= new ClusterQuery(snapshot)) });
  return Object.fromEntries(EVIDENCE_TOOLS.map((t) => [t.name, async (raw: unknown) => (t.run as (a: unknown, i: ToolInput) => unknown)(checked(t as EvidenceTool<TObject>, raw), input())]));
}
