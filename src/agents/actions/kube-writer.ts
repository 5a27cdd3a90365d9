import { ApiException, AppsV1Api, CoreV1Api, KubernetesObjectApi, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import { SyntraError } from '../../domain/errors.js';
import { loadKubeConfig } from '../../investigator/sources/live-kubeconfig.js';
import { inSpan } from '../../telemetry/spans.js';
import { API_VERSION, type ActionTarget, type KubeObject, type KubeRequest } from './catalogue.js';

/**
 * The executor's connection to the cluster: its OWN kubeconfig (SYNTRA_EXECUTOR_KUBECONFIG),
 * never the read-only evidence identity. Without one there is no write path at all. Every
 * write carries the resourceVersion the approval saw as a precondition, so an approval never
 * applies to an object that changed since (the API server answers 409).
 */
export interface KubeWriter {
  read(target: ActionTarget, signal?: AbortSignal): Promise<KubeObject | undefined>;
  /** Objects of a namespace, optionally by label selector (the Reviewer's reads; rollout_undo's history). */
  list(kind: ListedKind, namespace: string, labelSelector?: string): Promise<KubeObject[]>;
  /** The current log of one container, its last lines. */
  logs(namespace: string, pod: string, container: string, tailLines: number): Promise<string>;
  /** `dryRun`: the server-side dry-run (dryRun=All): the object as it would be, nothing stored. */
  send(target: ActionTarget, request: KubeRequest, options: { resourceVersion: string; dryRun: boolean }): Promise<KubeObject>;
  description: string;
}

export type ListedKind = 'ReplicaSet' | 'ControllerRevision' | 'Pod' | 'Service' | 'Endpoints';
const LISTED_API: Record<ListedKind, string> = { ReplicaSet: 'apps/v1', ControllerRevision: 'apps/v1', Pod: 'v1', Service: 'v1', Endpoints: 'v1' };
const header = (t: ActionTarget) => ({ apiVersion: API_VERSION[t.kind], kind: t.kind, metadata: { name: t.name, ...(t.namespace !== undefined ? { namespace: t.namespace } : {}) } });
const where = (t: ActionTarget) => (t.namespace !== undefined ? `${t.namespace}/${t.name}` : t.name);

function kubeError(e: unknown, what: string): SyntraError {
  if (e instanceof ApiException) {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not JSON: keep the text
    }
    if (e.code === 409) return new SyntraError('conflict', `${what}: ${message}`, { retryable: false, details: { status: 409 } });
    if (e.code === 404) return new SyntraError('not_found', `${what}: ${message}`, { retryable: false, details: { status: 404 } });
    if (e.code === 403 || e.code === 401) return new SyntraError('forbidden', `${what}: the executor's identity may not do this: ${message}`, { retryable: false, details: { status: e.code } });
    return new SyntraError('cluster_unreachable', `${what}: the API server answered ${e.code}: ${message}`, { details: { status: e.code } });
  }
  return new SyntraError('cluster_unreachable', `${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * Each call is a client span under the executor task's span, named as the evidence workers name
 * theirs (`k8s patch deployments`), so a trace shows what an approved action did to the cluster.
 */
function traced<T>(verb: string, resource: string, namespace: string | undefined, fn: () => Promise<T>, dryRun?: boolean): Promise<T> {
  return inSpan(`k8s ${verb} ${resource}`, { 'k8s.verb': verb, 'k8s.resource': resource, 'k8s.namespace.name': namespace, 'k8s.dry_run': dryRun, 'syntra.identity': 'executor' }, fn, null, 'client');
}

/** The API's resource name of a kind the executor touches (all plurals with `s`; Endpoints is one already). */
const resourceOf = (kind: string) => (kind === 'Endpoints' ? 'endpoints' : `${kind.toLowerCase()}s`);

/** client-node's objects are the API server's JSON, typed loosely; the actions read them as KubeObject. */
const asKube = (o: KubernetesObject): KubeObject => o as unknown as KubeObject;

export function createKubeWriter(kubeconfig: string): KubeWriter {
  const loaded = loadKubeConfig({ kubeconfig });
  const api = KubernetesObjectApi.makeApiClient(loaded.kc);
  const apps = loaded.kc.makeApiClient(AppsV1Api);
  const core = loaded.kc.makeApiClient(CoreV1Api);
  return {
    description: `executor ${loaded.origin}`,
    read: (target) =>
      traced('get', resourceOf(target.kind), target.namespace, async () => {
        try {
          return asKube(await api.read(header(target)));
        } catch (e) {
          if (e instanceof ApiException && e.code === 404) return undefined;
          throw kubeError(e, `reading ${target.kind} ${where(target)}`);
        }
      }),
    list: (kind, namespace, labelSelector) =>
      traced('list', resourceOf(kind), namespace, async () => {
        try {
          const found = await api.list(LISTED_API[kind], kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
          return found.items.map((o) => ({ ...asKube(o), kind }));
        } catch (e) {
          throw kubeError(e, `listing ${kind} in ${namespace}`);
        }
      }),
    logs: (namespace, pod, container, tailLines) =>
      traced('get', 'pods/log', namespace, async () => {
        try {
          return await core.readNamespacedPodLog({ name: pod, namespace, container, tailLines });
        } catch (e) {
          throw kubeError(e, `reading the log of ${namespace}/${pod} (${container})`);
        }
      }),
    send: (target, request, options) => traced(request.verb, resourceOf(target.kind), target.namespace, () => send(target, request, options), options.dryRun),
  };

  async function send(target: ActionTarget, request: KubeRequest, { resourceVersion, dryRun }: { resourceVersion: string; dryRun: boolean }): Promise<KubeObject> {
    const what = `${dryRun ? 'dry-run of ' : ''}${request.verb} ${target.kind} ${where(target)}`;
    try {
      if (request.verb === 'delete') {
        await api.delete(header(target), undefined, dryRun ? 'All' : undefined, undefined, undefined, undefined, { preconditions: { resourceVersion } });
        return { ...header(target), metadata: { ...header(target).metadata, deletionTimestamp: new Date().toISOString() } };
      }
      // The precondition: a JSON patch carries it as an operation, a merge patch in its metadata —
      // either way the patched object's resourceVersion must be the current one, or 409.
      const body =
        request.strategy === 'application/json-patch+json'
          ? [{ op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion }, ...request.body]
          : { ...header(target), ...request.body, metadata: { ...header(target).metadata, resourceVersion } };
      // The typed clients send the body as given; the generic object client would serialize it
      // through the kind's model and drop strategic-merge directives such as `$patch: delete`.
      const options = setHeaderOptions('Content-Type', request.strategy);
      const args = { name: target.name, body, fieldManager: 'syntra-executor', ...(dryRun ? { dryRun: 'All' } : {}) };
      const ns = target.namespace ?? '';
      const patched: unknown =
        target.kind === 'Deployment'
          ? await apps.patchNamespacedDeployment({ ...args, namespace: ns }, options)
          : target.kind === 'StatefulSet'
            ? await apps.patchNamespacedStatefulSet({ ...args, namespace: ns }, options)
            : target.kind === 'DaemonSet'
              ? await apps.patchNamespacedDaemonSet({ ...args, namespace: ns }, options)
              : target.kind === 'Node'
                ? await core.patchNode(args, options)
                : undefined;
      if (patched === undefined) throw new SyntraError('validation_failed', `no action patches a ${target.kind}`, { retryable: false });
      return patched as KubeObject;
    } catch (e) {
      throw kubeError(e, what);
    }
  }
}
