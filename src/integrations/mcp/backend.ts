import type { ApiClient } from '../../cli/client/http.js';
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
  pod?: string | undefined;
  wait?: boolean | undefined;
}

export interface McpBackend {
  ask(a: AskArgs): Promise<unknown>;
  diagnose(a: DiagnoseArgs, signal: AbortSignal): Promise<unknown>;
  getRun(runId: string): Promise<unknown>;
  listRuns(q: { status?: string | undefined; limit?: number | undefined }): Promise<unknown>;
  listIncidents(q: { status?: string | undefined; namespace?: string | undefined; limit?: number | undefined }): Promise<unknown>;
  getIncident(id: string): Promise<unknown>;
  similarIncidents(id: string, limit?: number | undefined): Promise<unknown>;
}

export interface BackendOptions {
  /**
   * The namespaces the caller may read (null: all). The in-process `diagnose` reads a cluster
   * with this process's identity, so a namespace-limited caller (a key of `POST /mcp`) may
   * diagnose only inside its namespaces. Over stdio the caller owns the process and its kubeconfig.
   */
  diagnoseNamespaces?: readonly string[] | null;
}

export function apiBackend(client: ApiClient, o: BackendOptions = {}): McpBackend {
  return {
    async ask(a) {
      const input = { prompt: a.question, ...(a.namespace ? { namespace: a.namespace } : {}), ...(a.pod ? { pod_name: a.pod } : {}) };
      // Waiting: POST /api/ask answers with the diagnosis (or 202 with the run id after its bound).
      if (a.wait !== false) return client.post('/api/ask', input);
      return client.post('/v1/commands/submit', { kind: 'ask', input, ...(a.namespace ? { namespace: a.namespace } : {}), metadata: { via: 'mcp' } });
    },
    async diagnose(a, signal) {
      const allowed = o.diagnoseNamespaces ?? null;
      if (allowed !== null && (!a.namespace || !allowed.includes(a.namespace))) {
        throw new SyntraError('forbidden', `this credential may diagnose only in its namespaces (${allowed.join(', ') || 'none'}): pass namespace`);
      }
      return diagnoseLocally(a, signal);
    },
    getRun: (runId) => client.get(`/v1/runs/${encodeURIComponent(runId)}`),
    listRuns: (q) => client.get('/v1/runs', { status: q.status, limit: q.limit }),
    listIncidents: (q) => client.get('/v1/incidents', { status: q.status, namespace: q.namespace, limit: q.limit }),
    getIncident: (id) => client.get(`/v1/incidents/${encodeURIComponent(id)}`),
    similarIncidents: (id, limit) => client.get(`/v1/incidents/${encodeURIComponent(id)}/similar`, { limit }),
  };
}
