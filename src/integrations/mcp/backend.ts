import { namespacesInCluster } from '../../clusters/scope.js';
import { SyntraError } from '../../domain/errors.js';
import { diagnoseLocally, type DiagnoseArgs } from './local-diagnose.js';

/**
 * What the MCP tools do, as calls to the Syntra API with the caller's own credential: the same
 * routes, service functions, permissions, namespace isolation, rate limits and audit as the CLI
 * and REST clients — an MCP client can do exactly what its key can, nothing more. Over stdio the
 * client speaks HTTP to the API; inside the API (`POST /mcp`) it injects into the same app.
 */
export interface AskArgs {
  question: string;
  namespace?: string | undefined;
  /** A registered cluster; omitted: the default cluster. */
  cluster?: string | undefined;
  pod?: string | undefined;
  wait?: boolean | undefined;
}

/** The `diagnose` tool's arguments: a registered cluster by name (its location comes from the registry). */
export type DiagnoseToolArgs = Omit<DiagnoseArgs, 'location'> & { cluster?: string | undefined };

export interface McpBackend {
  ask(a: AskArgs): Promise<unknown>;
  diagnose(a: DiagnoseToolArgs, signal: AbortSignal): Promise<unknown>;
  getRun(runId: string): Promise<unknown>;
  listRuns(q: { status?: string | undefined; limit?: number | undefined }): Promise<unknown>;
  listIncidents(q: { status?: string | undefined; namespace?: string | undefined; limit?: number | undefined }): Promise<unknown>;
  getIncident(id: string): Promise<unknown>;
  similarIncidents(id: string, limit?: number | undefined): Promise<unknown>;
}

/**
 * The two API calls the tools make, answering the parsed JSON body or throwing a SyntraError with
 * the API's code: the CLI's ApiClient over HTTP (stdio) and the API's in-process caller (`POST /mcp`).
 */
export interface ApiCalls {
  get(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<unknown>;
  post(path: string, body?: unknown): Promise<unknown>;
}

export interface BackendOptions {
  /**
   * The caller's scopes (`namespace` or `cluster/namespace`; null: all). The in-process `diagnose`
   * reads a cluster with this process's identity, so a namespace-limited caller (a key of
   * `POST /mcp`) may diagnose only inside its namespaces of that cluster. Over stdio the caller
   * owns the process and its kubeconfig.
   */
  diagnoseScopes?: readonly string[] | null;
}

export function apiBackend(client: ApiCalls, o: BackendOptions = {}): McpBackend {
  return {
    async ask(a) {
      const input = { prompt: a.question, ...(a.namespace ? { namespace: a.namespace } : {}), ...(a.pod ? { pod_name: a.pod } : {}) };
      const cluster = a.cluster ? { cluster: a.cluster } : {};
      // Waiting: POST /api/ask answers with the diagnosis (or 202 with the run id after its bound).
      if (a.wait !== false) return client.post('/api/ask', { ...input, ...cluster });
      return client.post('/v1/commands/submit', { kind: 'ask', input, ...(a.namespace ? { namespace: a.namespace } : {}), ...cluster, metadata: { via: 'mcp' } });
    },
    async diagnose(a, signal) {
      const scopes = o.diagnoseScopes ?? null;
      const allowed = scopes === null ? null : namespacesInCluster(scopes, a.cluster ?? null);
      const where = a.cluster ? ` of cluster ${a.cluster}` : '';
      if (allowed !== null && (!a.namespace || !allowed.includes(a.namespace))) {
        throw new SyntraError('forbidden', `this credential may diagnose only in its namespaces${where} (${allowed.join(', ') || 'none'}): pass namespace`);
      }
      const { cluster: named, ...args } = a;
      if (!named) return diagnoseLocally(args, signal);
      if (a.source !== 'live') throw new SyntraError('validation_failed', `cluster ${named} is read live: pass source "live" (the demo cluster has no clusters)`);
      // The registry names the cluster's kubeconfig context (or in-cluster): asked with the caller's credential.
      const { items } = (await client.get('/v1/clusters')) as { items: Array<{ name: string; context: string | null; inCluster: boolean }> };
      const cluster = items.find((c) => c.name === named);
      if (!cluster) throw new SyntraError('validation_failed', `cluster "${named}" is not registered (${items.length ? `registered: ${items.map((c) => c.name).join(', ')}` : 'none are'})`);
      return diagnoseLocally({ ...args, location: { context: cluster.context, inCluster: cluster.inCluster } }, signal);
    },
    getRun: (runId) => client.get(`/v1/runs/${encodeURIComponent(runId)}`),
    listRuns: (q) => client.get('/v1/runs', { status: q.status, limit: q.limit }),
    listIncidents: (q) => client.get('/v1/incidents', { status: q.status, namespace: q.namespace, limit: q.limit }),
    getIncident: (id) => client.get(`/v1/incidents/${encodeURIComponent(id)}`),
    similarIncidents: (id, limit) => client.get(`/v1/incidents/${encodeURIComponent(id)}/similar`, { limit }),
  };
}
