import {
  AppsV1Api, AutoscalingV2Api, BatchV1Api, CoreV1Api, NetworkingV1Api, StorageV1Api, VersionApi,
} from '@kubernetes/client-node';
import type { ConfigurationOptions, RequestContext, ResponseContext, V1Pod } from '@kubernetes/client-node';
import { Observable } from '@kubernetes/client-node';
// The per-call options of the object-parameter APIs take Observable middleware (the top-level
// `Middleware` export is the Promise flavour).
import type { Middleware } from '@kubernetes/client-node/dist/gen/middleware.js';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import { redactSnapshot } from '../redact.js';
import { mapWithConcurrency } from './bounded-concurrency.js';
import { addDocument } from '../cluster/objects.js';
import type { KubeConfigLocation, LoadedKubeConfig } from './live-kubeconfig.js';
import { loadKubeConfig } from './live-kubeconfig.js';
import type { RequestDescription } from './live-errors.js';
import { classifyRequestError } from './live-errors.js';
import { containersToRead, isPodUnhealthy } from './pod-health.js';
import { DEFAULT_TAIL_LINES } from './scope.js';
import type { ClusterSnapshot, ConnectivityReport, EvidenceScope, EvidenceSource } from '../cluster/snapshot.js';
import { emptySnapshot } from '../cluster/snapshot.js';

/**
 * The live cluster through @kubernetes/client-node, read-only: only list, get and read-log calls
 * exist here. Every request has a timeout and follows the caller's AbortSignal. Logs are read
 * only for pods in trouble, a few at a time, so a namespace of hundreds of pods stays fast.
 */
export interface LiveSourceOptions extends KubeConfigLocation {
  /** Per request (default 10 s). */
  requestTimeoutMs?: number;
  /** Log reads in flight at once (default 4). */
  logConcurrency?: number;
  /** Mask secret-looking values (default true). */
  redact?: boolean;
}

interface Apis {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  networking: NetworkingV1Api;
  storage: StorageV1Api;
  autoscaling: AutoscalingV2Api;
  version: VersionApi;
}

/** Sets the request's AbortSignal: the caller's, bounded by the per-request timeout. */
function signalOptions(timeoutMs: number, signal?: AbortSignal): ConfigurationOptions {
  const middleware: Middleware = {
    pre: (ctx: RequestContext) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      ctx.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** A typed client-node result back to wire JSON, so every source shares one normalization path. */
const toWire = (value: unknown, type: string): unknown => ObjectSerializer.serialize(value, type, '');

export function createLiveSource(options: LiveSourceOptions = {}): EvidenceSource {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  let loaded: { config: LoadedKubeConfig; apis: Apis } | undefined;
  const connect = () => {
    if (!loaded) {
      const config = loadKubeConfig(options);
      const kc = config.kc;
      loaded = {
        config,
        apis: {
          core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), batch: kc.makeApiClient(BatchV1Api),
          networking: kc.makeApiClient(NetworkingV1Api), storage: kc.makeApiClient(StorageV1Api),
          autoscaling: kc.makeApiClient(AutoscalingV2Api), version: kc.makeApiClient(VersionApi),
        },
      };
    }
    return loaded;
  };
  const defaultNamespace = () => connect().config.kc.getContextObject(connect().config.context)?.namespace ?? 'default';

  async function call<T>(request: RequestDescription, fn: (o: ConfigurationOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    try {
      return await fn(signalOptions(timeoutMs, signal));
    } catch (e) {
      throw classifyRequestError(e, connect().config.server, request, signal);
    }
  }

  return {
    kind: 'live',
    async check(signal?: AbortSignal): Promise<ConnectivityReport> {
      let description = 'live cluster';
      try {
        const { config, apis } = connect();
        description = `live cluster ${config.server} (${config.origin})`;
        await call({ verb: 'get', resource: 'version' }, (o) => apis.version.getCode(o), signal);
        const ns = defaultNamespace();
        await call({ verb: 'list', resource: 'pods', namespace: ns }, (o) => apis.core.listNamespacedPod({ namespace: ns, limit: 1 }, o), signal);
        return { ok: true, description };
      } catch (e) {
        const err = e instanceof SyntraError ? e : new SyntraError('cluster_unreachable', errorMessage(e), { cause: e });
        const code = err.code === 'no_kubeconfig' || err.code === 'cluster_forbidden' ? err.code : 'cluster_unreachable';
        return { ok: false, description, problem: { code, message: err.message } };
      }
    },

    async listNamespaces(signal?: AbortSignal): Promise<string[]> {
      const { apis } = connect();
      try {
        const list = await call({ verb: 'list', resource: 'namespaces' }, (o) => apis.core.listNamespace({}, o), signal);
        return list.items.map((n) => n.metadata?.name ?? '').filter((n) => n !== '').sort();
      } catch (e) {
        // Namespace-scoped credentials cannot list namespaces: their own namespace is what they see.
        if (e instanceof SyntraError && e.code === 'cluster_forbidden') return [defaultNamespace()];
        throw e;
      }
    },

    async collect(scope: EvidenceScope, signal?: AbortSignal): Promise<ClusterSnapshot> {
      const { config, apis } = connect();
      const ns = scope.namespace;
      const snapshot = emptySnapshot({ kind: 'live', description: `live cluster ${config.server} (${config.origin})`, collectedAt: new Date().toISOString() });
      const warnings: string[] = [];

      /** One list call; `required` lists fail the collection, the others only add a warning. */
      const list = async (resource: string, type: string, required: boolean, namespaced: boolean, fn: (o: ConfigurationOptions) => Promise<unknown>) => {
        try {
          const result = await call({ verb: 'list', resource, namespace: namespaced ? ns : undefined }, fn, signal);
          addDocument(snapshot, toWire(result, type));
        } catch (e) {
          if (required || !(e instanceof SyntraError)) throw e;
          // Forbidden, or an API this cluster does not serve (404): note it and go on. Network failures stop.
          if (e.code !== 'cluster_forbidden' && (e.details as { status?: number } | undefined)?.status !== 404) throw e;
          warnings.push(`${resource} not collected: ${e.message}`);
        }
      };
      const eventsSelector = scope.target && scope.target.kind.toLowerCase() === 'pod' ? `involvedObject.name=${scope.target.name}` : undefined;
      const n = { namespace: ns ?? '' };
      const c = apis.core;
      // Pods first: they are required, and a 403 here should stop before twenty more calls.
      await list('pods', 'V1PodList', true, true, (o) => (ns ? c.listNamespacedPod(n, o) : c.listPodForAllNamespaces({}, o)));
      await Promise.all([
        list('events', 'CoreV1EventList', false, true, (o) =>
          ns ? c.listNamespacedEvent({ ...n, fieldSelector: eventsSelector }, o) : c.listEventForAllNamespaces({ fieldSelector: eventsSelector }, o)),
        list('services', 'V1ServiceList', false, true, (o) => (ns ? c.listNamespacedService(n, o) : c.listServiceForAllNamespaces({}, o))),
        list('endpoints', 'V1EndpointsList', false, true, (o) => (ns ? c.listNamespacedEndpoints(n, o) : c.listEndpointsForAllNamespaces({}, o))),
        list('configmaps', 'V1ConfigMapList', false, true, (o) => (ns ? c.listNamespacedConfigMap(n, o) : c.listConfigMapForAllNamespaces({}, o))),
        list('secrets', 'V1SecretList', false, true, (o) => (ns ? c.listNamespacedSecret(n, o) : c.listSecretForAllNamespaces({}, o))),
        list('persistentvolumeclaims', 'V1PersistentVolumeClaimList', false, true, (o) =>
          ns ? c.listNamespacedPersistentVolumeClaim(n, o) : c.listPersistentVolumeClaimForAllNamespaces({}, o)),
        list('resourcequotas', 'V1ResourceQuotaList', false, true, (o) => (ns ? c.listNamespacedResourceQuota(n, o) : c.listResourceQuotaForAllNamespaces({}, o))),
        list('limitranges', 'V1LimitRangeList', false, true, (o) => (ns ? c.listNamespacedLimitRange(n, o) : c.listLimitRangeForAllNamespaces({}, o))),
        list('nodes', 'V1NodeList', false, false, (o) => c.listNode({}, o)),
        list('persistentvolumes', 'V1PersistentVolumeList', false, false, (o) => c.listPersistentVolume({}, o)),
        list('storageclasses', 'V1StorageClassList', false, false, (o) => apis.storage.listStorageClass({}, o)),
        list('deployments', 'V1DeploymentList', false, true, (o) => (ns ? apis.apps.listNamespacedDeployment(n, o) : apis.apps.listDeploymentForAllNamespaces({}, o))),
        list('replicasets', 'V1ReplicaSetList', false, true, (o) => (ns ? apis.apps.listNamespacedReplicaSet(n, o) : apis.apps.listReplicaSetForAllNamespaces({}, o))),
        list('statefulsets', 'V1StatefulSetList', false, true, (o) => (ns ? apis.apps.listNamespacedStatefulSet(n, o) : apis.apps.listStatefulSetForAllNamespaces({}, o))),
        list('daemonsets', 'V1DaemonSetList', false, true, (o) => (ns ? apis.apps.listNamespacedDaemonSet(n, o) : apis.apps.listDaemonSetForAllNamespaces({}, o))),
        list('jobs', 'V1JobList', false, true, (o) => (ns ? apis.batch.listNamespacedJob(n, o) : apis.batch.listJobForAllNamespaces({}, o))),
        list('cronjobs', 'V1CronJobList', false, true, (o) => (ns ? apis.batch.listNamespacedCronJob(n, o) : apis.batch.listCronJobForAllNamespaces({}, o))),
        list('ingresses', 'V1IngressList', false, true, (o) => (ns ? apis.networking.listNamespacedIngress(n, o) : apis.networking.listIngressForAllNamespaces({}, o))),
        list('horizontalpodautoscalers', 'V2HorizontalPodAutoscalerList', false, true, (o) =>
          ns ? apis.autoscaling.listNamespacedHorizontalPodAutoscaler(n, o) : apis.autoscaling.listHorizontalPodAutoscalerForAllNamespaces({}, o)),
      ]);
      snapshot.namespaces = ns ? [ns] : [...new Set(snapshot.pods.map((p) => p.metadata?.namespace ?? ''))].filter((x) => x !== '').sort();
      await readLogs(snapshot, scope, warnings, signal);
      if (warnings.length > 0) snapshot.source.warnings = warnings;
      return options.redact === false ? snapshot : redactSnapshot(snapshot).value;
    },
  };

  /** Current and previous logs of the containers in trouble; a log that cannot be read is skipped. */
  async function readLogs(snapshot: ClusterSnapshot, scope: EvidenceScope, warnings: string[], signal?: AbortSignal): Promise<void> {
    const { apis } = connect();
    const tailLines = scope.tailLines ?? DEFAULT_TAIL_LINES;
    const reads = snapshot.pods.filter(isPodUnhealthy).flatMap((pod: V1Pod) =>
      containersToRead(pod).map((r) => ({ pod: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', ...r })));
    const logs = await mapWithConcurrency(reads, options.logConcurrency ?? 4, async (r) => {
      try {
        const text = await call(
          { verb: 'read log of', resource: `pods/${r.pod} container ${r.container}`, namespace: r.namespace },
          (o) => apis.core.readNamespacedPodLog({ name: r.pod, namespace: r.namespace, container: r.container, previous: r.previous, tailLines, timestamps: true }, o),
          signal,
        );
        const lines = text.split('\n');
        if (lines.at(-1) === '') lines.pop();
        return { namespace: r.namespace, pod: r.pod, container: r.container, previous: r.previous, lines };
      } catch (e) {
        if (signal?.aborted) throw e;
        // 400 "previous terminated container not found" and similar: no such log, not a failure.
        if (!(e instanceof SyntraError && (e.details as { status?: number } | undefined)?.status === 400)) warnings.push(errorMessage(e));
        return undefined;
      }
    });
    snapshot.logs.push(...logs.filter((l) => l !== undefined));
  }
}
