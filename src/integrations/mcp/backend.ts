import type { ApiClient } from '../../cli/client/http.js';

/**
 * What the MCP tools do, as calls to the Syntra API with the caller's own credential: the same
 * routes, service functions, permissions, namespace isolation, rate limits and audit as the CLI
 * and REST clients — an MCP client can do exactly what its key can, nothing more.
 */
export interface AskArgs {
  question: string;
  namespace?: string | undefined;
  pod?: string | undefined;
  wait?: boolean | undefined;
}

export interface McpBackend {
  ask(a: AskArgs): Promise<unknown>;
  getRun(runId: string): Promise<unknown>;
  listRuns(q: { status?: string | undefined; limit?: number | undefined }): Promise<unknown>;
  listIncidents(q: { status?: string | undefined; namespace?: string | undefined; limit?: number | undefined }): Promise<unknown>;
  getIncident(id: string): Promise<unknown>;
}

export function apiBackend(client: ApiClient): McpBackend {
  return {
    async ask(a) {
      const input = { prompt: a.question, ...(a.namespace ? { namespace: a.namespace } : {}), ...(a.pod ? { pod_name: a.pod } : {}) };
      // Waiting: POST /api/ask answers with the diagnosis (or 202 with the run id after its bound).
      if (a.wait !== false) return client.post('/api/ask', input);
      return client.post('/v1/commands/submit', { kind: 'ask', input, ...(a.namespace ? { namespace: a.namespace } : {}), metadata: { via: 'mcp' } });
    },
    getRun: (runId) => client.get(`/v1/runs/${encodeURIComponent(runId)}`),
    listRuns: (q) => client.get('/v1/runs', { status: q.status, limit: q.limit }),
    listIncidents: (q) => client.get('/v1/incidents', { status: q.status, namespace: q.namespace, limit: q.limit }),
    getIncident: (id) => client.get(`/v1/incidents/${encodeURIComponent(id)}`),
  };
}
