import { KubernetesObjectApi, Observable, ServerConfiguration, createConfiguration } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesObject, RequestContext, ResponseContext } from '@kubernetes/client-node';
// The Configuration of an API client takes Observable middleware (the top-level `Middleware`
// export is the Promise flavour).
import type { Middleware } from '@kubernetes/client-node/dist/gen/middleware.js';
import { isHttpError } from './live-errors.js';

/**
 * Lists of any kind through client-node's KubernetesObjectApi, driven by the kind table instead
 * of one typed API per group. It reads the cluster's API discovery as kubectl does (which group
 * versions are served, which kinds they hold, namespaced or not), and lists in pages: `limit`
 * objects per request, following `metadata.continue` until the list is complete, each page
 * handed over before the next is asked for so a 5,000-pod namespace is never one response.
 * Pages come back as wire JSON (not client-node models) since the snapshot deserializes every
 * object once itself (cluster/objects.ts).
 */
export const DEFAULT_PAGE_SIZE = 500;

/** Every request's AbortSignal: the caller's, bounded by a timeout of its own per request. */
export function requestSignalMiddleware(timeoutMs: number, signal?: AbortSignal): Middleware {
  return {
    pre: (ctx: RequestContext) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      ctx.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
  };
}

/** A List as the API server sends it: items without kind/apiVersion, paging in `metadata`. */
export interface WireList {
  kind?: string;
  apiVersion?: string;
  metadata?: { continue?: string; remainingItemCount?: number; resourceVersion?: string };
  items: unknown[];
}

export interface PagedList {
  apiVersion: string;
  kind: string;
  /** Namespaced kinds: one namespace, or every namespace when absent. Ignored for cluster-wide kinds. */
  namespace?: string | undefined;
  fieldSelector?: string | undefined;
  pageSize?: number | undefined;
}

export class LiveObjectApi extends KubernetesObjectApi {
  private readonly unserved = new Set<string>();

  /** A client for one collection: every request it makes carries `middleware` (signal and timeout). */
  static connect(kc: KubeConfig, middleware: Middleware): LiveObjectApi {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    return new LiveObjectApi(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, middleware: [middleware] }));
  }

  /**
   * Reads the discovery document of each group version once (`/api/v1`, `/apis/apps/v1`, …),
   * as kubectl does; a version the cluster does not serve (404) is remembered as such.
   */
  async discover(apiVersions: readonly string[]): Promise<void> {
    await Promise.all([...new Set(apiVersions)].filter((v) => !this.apiVersionResourceCache[v] && !this.unserved.has(v)).map(async (v) => {
      try {
        await this.resource(v, '');
      } catch (e) {
        if (!isHttpError(e, 404)) throw e;
        this.unserved.add(v);
      }
    }));
  }

  /** Those of `apiVersions` whose discovery lists `kind` (after discover()), in the order given. */
  servedVersions(apiVersions: readonly string[], kind: string): string[] {
    return apiVersions.filter((v) => this.apiVersionResourceCache[v]?.resources.some((r) => r.kind === kind && !r.name.includes('/')));
  }

  /** Every page of one list, in order; `onPage` sees each page before the next is asked for. Resolves to the page count. */
  async listPages(list: PagedList, onPage: (page: WireList) => void, signal?: AbortSignal): Promise<number> {
    let token: string | undefined;
    let pages = 0;
    do {
      signal?.throwIfAborted();
      const page = (await this.list(list.apiVersion, list.kind, list.namespace, undefined, undefined, undefined, list.fieldSelector, undefined, list.pageSize ?? DEFAULT_PAGE_SIZE, token)) as unknown as WireList;
      pages += 1;
      onPage(page);
      token = page.metadata?.continue || undefined;
    } while (token !== undefined);
    return pages;
  }

  /** Successful reads stay wire JSON; everything else (discovery, errors) as the library does it. */
  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext, type?: string): Promise<T> {
    const ok = response.httpStatusCode >= 200 && response.httpStatusCode <= 299;
    if (type !== undefined || !ok) return super.processResponse<T>(response, type);
    return JSON.parse(await response.body.text()) as T;
  }
}
