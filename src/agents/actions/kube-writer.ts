import { ApiException, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { SyntraError } from '../../domain/errors.js';
import { loadKubeConfig } from '../../investigator/sources/live-kubeconfig.js';
import { API_VERSION, type ActionTarget, type KubeObject, type KubeRequest } from './catalogue.js';

/**
 * The executor's connection to the cluster: its OWN kubeconfig (SYNTRA_EXECUTOR_KUBECONFIG),
 * never the read-only evidence identity. Without one there is no write path at all. Every
 * write carries the resourceVersion the approval saw as a precondition, so an approval never
 * applies to an object that changed since (the API server answers 409).
 */
export interface KubeWriter {
  read(target: ActionTarget, signal?: AbortSignal): Promise<KubeObject | undefined>;
  /** `dryRun`: the server-side dry-run (dryRun=All): the object as it would be, nothing stored. */
  send(target: ActionTarget, request: KubeRequest, options: { resourceVersion: string; dryRun: boolean }): Promise<KubeObject>;
  description: string;
}

const header = (t: ActionTarget) => ({ apiVersion: API_VERSION[t.kind], kind: t.kind, metadata: { name: t.name, namespace: t.namespace } });

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

export function createKubeWriter(kubeconfig: string): KubeWriter {
  const loaded = loadKubeConfig({ kubeconfig });
  const api = KubernetesObjectApi.makeApiClient(loaded.kc);
  return {
    description: `executor ${loaded.origin}`,
    async read(target) {
      try {
        const found: KubernetesObject = await api.read(header(target));
        return found as KubeObject;
      } catch (e) {
        if (e instanceof ApiException && e.code === 404) return undefined;
        throw kubeError(e, `reading ${target.kind} ${target.namespace}/${target.name}`);
      }
    },
    async send(target, request, { resourceVersion, dryRun }) {
      const what = `${dryRun ? 'dry-run of ' : ''}${request.verb} ${target.kind} ${target.namespace}/${target.name}`;
      try {
        if (request.verb === 'delete') {
          await api.delete(header(target), undefined, dryRun ? 'All' : undefined, undefined, undefined, undefined, { preconditions: { resourceVersion } });
          return { ...header(target), metadata: { ...header(target).metadata, deletionTimestamp: new Date().toISOString() } };
        }
        const spec = { ...header(target), ...request.body, metadata: { ...header(target).metadata, resourceVersion } };
        const patched: KubernetesObject = await api.patch(spec, undefined, dryRun ? 'All' : undefined, 'syntra-executor', undefined, request.strategy);
        return patched as KubeObject;
      } catch (e) {
        throw kubeError(e, what);
      }
    },
  };
}
