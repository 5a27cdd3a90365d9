import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { SyntraError } from '../../domain/errors.js';
import { injectCalls } from '../mcp/inject-calls.js';
import { requirePrincipal } from '../plugins/auth.js';
import { VERSION } from '../../version.js';

/**
 * MCP over streamable HTTP: `POST /mcp`, authenticated like every route (X-API-Key or
 * Authorization: Bearer with a key or an access token). Stateless: each POST gets its own
 * server and transport (no session to lose across replicas), answering JSON. The tools and
 * resources are the stdio server's, calling this app in-process with the caller's credential, so
 * each tool call is checked like the REST call it makes (permission, namespaces, rate limit).
 */

const JsonRpcMessage = Type.Object(
  {
    jsonrpc: Type.Literal('2.0'),
    id: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Integer()])),
    method: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
    result: Type.Optional(Type.Object({}, { additionalProperties: true })),
    error: Type.Optional(Type.Object({ code: Type.Integer(), message: Type.String() }, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
const McpBody = Type.Union([JsonRpcMessage, Type.Array(JsonRpcMessage, { minItems: 1, maxItems: 50 })], { description: 'one JSON-RPC 2.0 message of MCP, or a batch' });

/** The MCP SDK and the tools load on the first MCP request, not with the API: most servers never get one. */
const loadMcp = () => Promise.all([import('@modelcontextprotocol/sdk/server/streamableHttp.js'), import('../../integrations/mcp/index.js')]);

export const mcpRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    '/mcp',
    {
      // Any authenticated caller: what each tool may do, and its rate limit, is decided by the
      // API route it calls.
      config: { permission: 'self', countedByInnerCalls: true },
      schema: { tags: ['mcp'], summary: 'MCP (Model Context Protocol) over streamable HTTP: JSON-RPC messages of a stateless session', body: McpBody },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      // Checked here so the refusal has the API's error shape (the transport would answer JSON-RPC).
      const accept = request.headers.accept ?? '';
      if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
        throw new SyntraError('not_acceptable', 'an MCP client must send "Accept: application/json, text/event-stream" (streamable HTTP transport)');
      }
      const credential: Record<string, string> = {};
      for (const h of ['x-api-key', 'authorization'] as const) {
        const v = request.headers[h];
        if (typeof v === 'string') credential[h] = v;
      }
      const [{ StreamableHTTPServerTransport }, { apiBackend, createMcpServer }] = await loadMcp();
      const server = createMcpServer(apiBackend(injectCalls(app, credential, request.ip), { diagnoseScopes: principal.namespaces }), VERSION);
      // No sessionIdGenerator: stateless mode (the SDK's `sessionIdGenerator: undefined`).
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
      reply.hijack();
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  );
  // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE). An MCP
  // client asks for the stream on its own, in the background, right after it connects: that
  // refusal costs the caller nothing of its budget (it would land at an unpredictable moment).
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      config: { permission: 'self', countedByInnerCalls: true },
      schema: { tags: ['mcp'], summary: `${method} /mcp is not offered: the MCP endpoint is stateless, use POST` },
      handler: async (_request, reply) => {
        reply.header('allow', 'POST');
        throw new SyntraError('method_not_allowed', `${method} /mcp is not offered: this MCP endpoint is stateless (no sessions, no server-sent stream); send JSON-RPC messages with POST`);
      },
    });
  }
};
