import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z, type ZodRawShape } from 'zod';
import { CLUSTER_NAME } from '../../clusters/registry.js';
import { errorMessage, isSyntraError } from '../../domain/errors.js';
import type { McpBackend } from './backend.js';

/**
 * The MCP tools, ONE table for both transports (stdio and `POST /mcp`): name, description, the
 * precise input schema and what the tool does with the backend. Every tool answers JSON text; a
 * refusal (permission, namespace, validation, rate limit) is a tool error with the API's message,
 * so the model sees why and what to do.
 */
const name = z.string().min(1).max(253);
const clusterName = z.string().regex(new RegExp(CLUSTER_NAME), 'a registered cluster name, e.g. prod-eu');
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a run or incident id (uuid)');
const limit = z.number().int().min(1).max(100).optional();
const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

async function answer(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await work(), null, 2) }] };
  } catch (e) {
    const code = isSyntraError(e) ? `${e.code}: ` : '';
    return { isError: true, content: [{ type: 'text', text: `${code}${errorMessage(e)}` }] };
  }
}

type Args<S extends ZodRawShape> = z.infer<z.ZodObject<S>>;
type Registrar = (server: McpServer, backend: McpBackend) => void;

function tool<S extends ZodRawShape>(t: {
  name: string;
  title: string;
  description: string;
  inputSchema: S;
  annotations: ToolAnnotations;
  run: (backend: McpBackend, args: Args<S>, signal: AbortSignal) => Promise<unknown>;
}): Registrar & { toolName: string } {
  const register: Registrar = (server, backend) => {
    // The SDK's overloads cannot follow a generic shape; the schema and the callback are paired here.
    const cb = (args: Args<S>, extra: { signal: AbortSignal }) => answer(() => t.run(backend, args, extra.signal));
    (server.registerTool as (n: string, c: unknown, cb: unknown) => void)(t.name, { title: t.title, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations }, cb);
  };
  return Object.assign(register, { toolName: t.name });
}

export const MCP_TOOLS = [
  tool({
    name: 'ask',
    title: 'Ask Syntra',
    description:
      'Start an investigation of a Kubernetes problem on the Syntra server ("why is auth-service crashing in production?"). ' +
      'With wait (default) it answers with the diagnosis: root cause, confidence, evidence, remediation; a long one answers with its run id (follow it with get_run).',
    inputSchema: {
      question: z.string().min(1).max(4000).describe('the question, naming the workload and namespace when known'),
      namespace: name.optional().describe('Kubernetes namespace the investigation is limited to'),
      cluster: clusterName.optional().describe('a registered cluster (syntra clusters list); omitted: the default cluster'),
      pod: name.optional().describe('a pod to start from'),
      wait: z.boolean().optional().describe('wait for the diagnosis (default true); false returns the run id at once'),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: (b, a) => b.ask(a),
  }),
  tool({
    name: 'diagnose',
    title: 'Diagnose without an investigation run',
    description:
      'Rule-based diagnosis right away, without starting a run: the bundled demo cluster (source demo) or the live cluster (source live, read-only) — ' +
      "over stdio the local kubeconfig's, over HTTP the Syntra server's, within the credential's namespaces. Secrets are masked.",
    inputSchema: {
      source: z.enum(['demo', 'live']).describe('demo: the bundled demo cluster; live: the real cluster'),
      namespace: name.optional(),
      cluster: clusterName.optional().describe('a registered cluster, read live (source live); omitted: the default cluster'),
      pod: name.optional().describe('diagnose this pod'),
      resource: z.string().min(3).max(300).optional().describe('diagnose this resource, KIND/NAME, e.g. deployment/auth-service'),
    },
    annotations: readOnly,
    run: (b, a, signal) => b.diagnose(a, signal),
  }),
  tool({
    name: 'get_run',
    title: 'Get a run',
    description: 'One run: status, output (the diagnosis), tasks and its ledger of events.',
    inputSchema: { runId: uuid },
    annotations: readOnly,
    run: (b, a) => b.getRun(a.runId),
  }),
  tool({
    name: 'list_runs',
    title: 'List runs',
    description: 'Recent runs, newest first.',
    inputSchema: { status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(), limit },
    annotations: readOnly,
    run: (b, a) => b.listRuns(a),
  }),
  tool({
    name: 'list_incidents',
    title: 'List incidents',
    description: 'Incidents Syntra diagnosed (distinct problems remembered across runs), most recently seen first.',
    inputSchema: { status: z.enum(['open', 'resolved']).optional(), namespace: name.optional(), limit },
    annotations: readOnly,
    run: (b, a) => b.listIncidents(a),
  }),
  tool({
    name: 'get_incident',
    title: 'Get an incident',
    description: 'One incident with its root cause, remediation and the runs that saw it.',
    inputSchema: { id: uuid },
    annotations: readOnly,
    run: (b, a) => b.getIncident(a.id),
  }),
  tool({
    name: 'similar_incidents',
    title: 'Similar past incidents',
    description: 'Past incidents similar to this one, verified fixes first: what was done last time and whether it worked.',
    inputSchema: { id: uuid.describe('the incident to compare'), limit: z.number().int().min(1).max(10).optional() },
    annotations: readOnly,
    run: (b, a) => b.similarIncidents(a.id, a.limit),
  }),
] as const;
