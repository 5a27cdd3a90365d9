import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpBackend } from './backend.js';

/**
 * Runs and incidents as MCP resources (`syntra://runs/{id}`, `syntra://incidents/{id}`), read
 * through the same backend as the tools — so the same permissions and namespaces. Listing shows
 * the 20 most recent the caller may see.
 */
const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });
const idOf = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

interface Listed {
  items?: Array<{ id: string; title?: string; kind?: string; status?: string }>;
}

export function registerResources(server: McpServer, backend: McpBackend): void {
  server.registerResource(
    'run',
    new ResourceTemplate('syntra://runs/{id}', {
      list: async () => ({
        resources: (((await backend.listRuns({ limit: 20 })) as Listed).items ?? []).map((r) => ({ uri: `syntra://runs/${r.id}`, name: `${r.kind ?? 'run'} ${r.id}`, mimeType: 'application/json', description: r.status })),
      }),
    }),
    { title: 'Run', description: 'A run: status, output (the diagnosis), tasks and ledger', mimeType: 'application/json' },
    async (uri, vars) => json(uri, await backend.getRun(idOf(vars.id))),
  );
  server.registerResource(
    'incident',
    new ResourceTemplate('syntra://incidents/{id}', {
      list: async () => ({
        resources: (((await backend.listIncidents({ limit: 20 })) as Listed).items ?? []).map((i) => ({ uri: `syntra://incidents/${i.id}`, name: i.title ?? i.id, mimeType: 'application/json', description: i.status })),
      }),
    }),
    { title: 'Incident', description: 'An incident with its root cause, remediation and runs', mimeType: 'application/json' },
    async (uri, vars) => json(uri, await backend.getIncident(idOf(vars.id))),
  );
}
