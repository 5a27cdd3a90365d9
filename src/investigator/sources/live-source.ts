import { inSpan, type SpanAttributes } from '../../telemetry/spans.js';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import type { ConfigurationOptions } from '@kubernetes/client-node';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import { redactSnapshot } from './redact-snapshot.js';
import { mapWithConcurrency } from './bounded-concurrency.js';
import { addDocument } from '../cluster/objects.js';
import { KINDS } from '../cluster/kinds.js';
import type { KindSpec } from '../cluster/kinds.js';
import type { KubeConfigLocation, LoadedKubeConfig } from './live-kubeconfig.js';
import { loadKubeConfig } from './live-kubeconfig.js';
import type { RequestDescription } from './live-errors.js';
import { classifyRequestError } from './live-errors.js';
import { DEFAULT_LOG_READ_LIMITS, logsToRead, readLogs, skippedLogsWarning, type LogReadLimits } from './live-logs.js';
import { DEFAULT_PAGE_SIZE, LiveObjectApi, requestSignalMiddleware } from './live-objects.js';
import { DEFAULT_TAIL_LINES } from './scope.js';
import type { ClusterSnapshot, ConnectivityReport, EvidenceScope, EvidenceSource } from '../cluster/snapshot.js';
import { emptySnapshot } from '../cluster/snapshot.js';

/**
 * The live cluster through @kubernetes/client-node, read-only: only list, get and read-log calls
 * exist here. What is listed is the kind table's rows marked `listLive`, each from the first of
 * its API versions the cluster serves (events.k8s.io/v1 Events where there are, core/v1 where
 * not), in pages of `pageSize`. Every request has its own timeout and follows the caller's
 * AbortSignal, on every page. Logs are read for pods in trouble and a few of the pods the
 * question is about, a few at a time, so a namespace of thousands of pods stays within what an
 * API server expects of one client.
 */
export interface LiveSourceOptions extends KubeConfigLocation {
  /** Per request (default 10 s). */
  requestTimeoutMs?: number;
  /** Objects per list request (default 500, kubectl's chunk size). */
  pageSize?: number;
  /** Lists in flight at once (default 4); the pages of one list are always one after the other. */
  listConcurrency?: number;
  /** Log reads in flight at once (default 4). */
  logConcurrency?: number;
  /** Which logs are read: Ready target pods, unhealthy pods per owner, pods in all (DEFAULT_LOG_READ_LIMITS). */
  logLimits?: Partial<LogReadLimits>;
  /** Mask secret-looking values (default true). */
  redact?: boolean;
}

const versionsOf = (k: KindSpec): readonly string[] => k.liveVersions ?? [k.apiVersion];

/** Only the events of a target pod, in the field selector of the events API that is served. */
function eventsSelector(scope: EvidenceScope, apiVersion: string): string | undefined {
  if (!scope.target || scope.target.kind.toLowerCase() !== 'pod') return undefined;
  return `${apiVersion === 'v1' ? 'involvedObject' : 'regarding'}.name=${scope.target.name}`;
}

export function createLiveSource(options: LiveSourceOptions = {}): EvidenceSource {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  let loaded: { config: LoadedKubeConfig; core: CoreV1Api; version: VersionApi } | undefined;
  const connect = () => {
    if (!loaded) {
      const config = loadKubeConfig(options);
      loaded = { config, core: config.kc.makeApiClient(CoreV1Api), version: config.kc.makeApiClient(VersionApi) };
    }
    return loaded;
  };
  const defaultNamespace = () => connect().config.kc.getContextObject(connect().config.context)?.namespace ?? 'default';
  const objectsFor = (signal?: AbortSignal) => LiveObjectApi.connect(connect().config.kc, requestSignalMiddleware(timeoutMs, signal));

  /** One call of the typed APIs (version, a pod probe, a log) with its timeout and the caller's signal. */
  async function call<T>(request: RequestDescription, fn: (o: ConfigurationOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    return inSpan(spanName(request), spanAttributes(request), async () => {
      try {
        return await fn({ middleware: [requestSignalMiddleware(timeoutMs, signal)], middlewareMergeStrategy: 'append' });
      } catch (e) {
        throw classifyRequestError(e, connect().config.server, request, signal);
      }
    }, null, 'client');
  }

  /** Any other request (discovery, every page of a list), its errors said the same way. */
  async function classified<T>(request: RequestDescription, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    return inSpan(spanName(request), spanAttributes(request), async () => {
      try {
        return await fn();
      } catch (e) {
        throw classifyRequestError(e, connect().config.server, request, signal);
      }
    }, null, 'client');
  }

  return {
    kind: 'live',
    async check(signal?: AbortSignal): Promise<ConnectivityReport> {
      let description = 'live cluster';
      try {
        const { config, core, version } = connect();
        description = `live cluster ${config.server} (${config.origin})`;
        await call({ verb: 'get', resource: 'version' }, (o) => version.getCode(o), signal);
        const ns = defaultNamespace();
        await call({ verb: 'list', resource: 'pods', namespace: ns }, (o) => core.listNamespacedPod({ namespace: ns, limit: 1 }, o), signal);
        return { ok: true, description };
      } catch (e) {
        const err = e instanceof SyntraError ? e : new SyntraError('cluster_unreachable', errorMessage(e), { cause: e });
        const code = err.code === 'no_kubeconfig' || err.code === 'cluster_forbidden' ? err.code : 'cluster_unreachable';
        return { ok: false, description, problem: { code, message: err.message } };
      }
    },

    async listNamespaces(signal?: AbortSignal): Promise<string[]> {
      connect();
      const names: string[] = [];
      try {
        await classified({ verb: 'list', resource: 'namespaces' }, () =>
          objectsFor(signal).listPages({ apiVersion: 'v1', kind: 'Namespace', pageSize: options.pageSize }, (page) => {
            for (const n of page.items as { metadata?: { name?: string } }[]) if (n.metadata?.name) names.push(n.metadata.name);
          }, signal), signal);
        return names.sort();
      } catch (e) {
        // Namespace-scoped credentials cannot list namespaces: their own namespace is what they see.
        if (e instanceof SyntraError && e.code === 'cluster_forbidden') return [defaultNamespace()];
        throw e;
      }
    },

    async collect(scope: EvidenceScope, signal?: AbortSignal): Promise<ClusterSnapshot> {
      const { config, core } = connect();
      const ns = scope.namespace;
      const snapshot = emptySnapshot({ kind: 'live', description: `live cluster ${config.server} (${config.origin})`, collectedAt: new Date().toISOString() });
      const warnings: string[] = [];
      const objects = objectsFor(signal);
      const rows = KINDS.filter((k) => k.listLive && (!scope.namesOnly || k.workload || k.kind === 'Pod'));
      await classified({ verb: 'get', resource: 'API discovery' }, () => objects.discover(rows.flatMap(versionsOf)), signal);

      /**
       * Every page of one kind, from the first served version the credentials may list (a role
       * may grant core/v1 events and not events.k8s.io). Only pods are required; the other kinds
       * add a warning when refused or not served.
       */
      const list = async (row: KindSpec) => {
        const namespace = row.namespaced ? ns : undefined;
        const served = objects.servedVersions(versionsOf(row), row.kind);
        if (served.length === 0) {
          if (row.kind === 'Pod') throw new SyntraError('cluster_unreachable', `${config.server} serves no pods (API discovery of v1 lists no Pod)`);
          warnings.push(`${row.resource} not collected: ${config.server} does not serve ${versionsOf(row).join(' or ')} ${row.kind}`);
          return;
        }
        let refused: SyntraError | undefined;
        for (const apiVersion of served) {
          try {
            await classified({ verb: 'list', resource: row.resource, namespace }, () => objects.listPages(
              { apiVersion, kind: row.kind, namespace, fieldSelector: row.kind === 'Event' ? eventsSelector(scope, apiVersion) : undefined, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE },
              (page) => addDocument(snapshot, page),
              signal,
            ), signal);
            return;
          } catch (e) {
            // Forbidden, or gone since discovery (404): try the next version, then note it and go on. Network failures stop.
            if (!(e instanceof SyntraError) || (e.code !== 'cluster_forbidden' && (e.details as { status?: number } | undefined)?.status !== 404)) throw e;
            refused ??= e;
          }
        }
        if (row.kind === 'Pod') throw refused!;
        warnings.push(`${row.resource} not collected: ${refused!.message}`);
      };
      // Pods first: they are required, and a 403 here should stop before twenty more calls.
      await list(rows.find((k) => k.kind === 'Pod')!);
      await mapWithConcurrency(rows.filter((k) => k.kind !== 'Pod'), options.listConcurrency ?? 4, list);
      snapshot.namespaces = ns ? [ns] : [...new Set(snapshot.pods.map((p) => p.metadata?.namespace ?? ''))].filter((x) => x !== '').sort();

      const tailLines = scope.tailLines ?? DEFAULT_TAIL_LINES;
      if (scope.namesOnly) return options.redact === false ? snapshot : redactSnapshot(snapshot).value;
      const limits = { ...DEFAULT_LOG_READ_LIMITS, ...options.logLimits };
      const plan = logsToRead(snapshot, scope, limits);
      const unread = skippedLogsWarning(plan, limits);
      if (unread) warnings.push(unread);
      snapshot.logs.push(...(await readLogs(plan.reads, (r) => call(
        { verb: 'read log of', resource: `pods/${r.pod} container ${r.container}`, namespace: r.namespace },
        (o) => core.readNamespacedPodLog({ name: r.pod, namespace: r.namespace, container: r.container, previous: r.previous, tailLines, timestamps: true }, o),
        signal,
      ), { concurrency: options.logConcurrency ?? 4, warnings, ...(signal ? { signal } : {}) })));
      if (warnings.length > 0) snapshot.source.warnings = warnings;
      return options.redact === false ? snapshot : redactSnapshot(snapshot).value;
    },
  };
}

/** Spans of Kubernetes API calls (tracing only): `k8s list pods`, with the namespace as an attribute. */
const spanName = (r: RequestDescription) => `k8s ${r.verb} ${r.resource}`;
const spanAttributes = (r: RequestDescription): SpanAttributes => ({ 'k8s.verb': r.verb, 'k8s.resource': r.resource, 'k8s.namespace.name': r.namespace });
