import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { errorMessage, isSyntraError } from '../../domain/errors.js';
import type { McpBackend } from './backend.js';
import { diagnoseLocally } from './local-diagnose.js';

/**
 * Syntra as an MCP server: tools for asking (an investigation on the server), diagnosing
 * (locally, the demo or the kubeconfig cluster), and reading runs and incidents. Every tool
 * answers JSON text; a refusal (permission, namespace, validation, rate limit) is a tool error
 * with the API's message, so the model sees why and what to do.
 */
const name = z.string().min(1).max(253);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a run or incident id (uuid)');
const limit = z.number().int().min(1).max(100).optional();

async function answer(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await work(), null, 2) }] };
  } catch (e) {
    const code = isSyntraError(e) ? `${e.code}: ` : '';
    return { isError: true, content: [{ type: 'text', text: `${code}${errorMessage(e)}` }] };
  }
}

export function createMcpServer(backend: McpBackend, version: string): McpServer {
  const server = new McpServer({ name: 'syntra', version });
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'ask',
    {
      title: 'Ask Syntra',
      description:
        'Start an investigation of a Kubernetes problem on the Syntra server ("why is auth-service crashing in production?"). ' +
        'With wait (default) it answers with the diagnosis: root cause, confidence, evidence, remediation; a long one answers with its run id (follow it with get_run).',
      inputSchema: {
        question: z.string().min(1).max(4000).describe('the question, naming the workload and namespace when known'),
        namespace: name.optional().describe('Kubernetes namespace the investigation is limited to'),
        pod: name.optional().describe('a pod to start from'),
        wait: z.boolean().optional().describe('wait for the diagnosis (default true); false returns the run id at once'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (a) => answer(() => backend.ask(a)),
  );

  server.registerTool(
    'diagnose',
    {
      title: 'Diagnose locally',
      description:
        "Rule-based diagnosis in this process, without the server: the bundled demo cluster (source demo) or the live cluster of the local kubeconfig (source live, read-only). Secrets are masked.",
      inputSchema: {
        source: z.enum(['demo', 'live']).describe('demo: the bundled demo cluster; live: the kubeconfig cluster'),
        namespace: name.optional(),
        pod: name.optional().describe('diagnose this pod'),
        resource: z.string().min(3).max(300).optional().describe('diagnose this resource, KIND/NAME, e.g. deployment/auth-service'),
      },
      annotations: readOnly,
    },
    async (a, extra) => answer(() => diagnoseLocally(a, extra.signal)),
  );

  server.registerTool(
    'get_run',
    { title: 'Get a run', description: 'One run: status, output (the diagnosis), tasks and its ledger of events.', inputSchema: { runId: uuid }, annotations: readOnly },
    async ({ runId }) => answer(() => backend.getRun(runId)),
  );

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description: 'Recent runs, newest first.',
      inputSchema: { status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(), limit },
      annotations: readOnly,
    },
    async (q) => answer(() => backend.listRuns(q)),
  );

  server.registerTool(
    'list_incidents',
    {
      title: 'List incidents',
      description: 'Incidents Syntra diagnosed (distinct problems remembered across runs), most recently seen first.',
      inputSchema: { status: z.enum(['open', 'resolved']).optional(), namespace: name.optional(), limit },
      annotations: readOnly,
    },
    async (q) => answer(() => backend.listIncidents(q)),
  );

  server.registerTool(
    'get_incident',
    { title: 'Get an incident', description: 'One incident with its root cause, remediation and the runs that saw it.', inputSchema: { id: uuid }, annotations: readOnly },
    async ({ id }) => answer(() => backend.getIncident(id)),
  );

  return server;
}
