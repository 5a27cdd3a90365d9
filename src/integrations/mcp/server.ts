import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpBackend } from './backend.js';
import { registerResources } from './resources.js';
import { MCP_TOOLS } from './tools.js';

/** Syntra as an MCP server, whatever the transport: the tool table and the resources over one backend. */
export function createMcpServer(backend: McpBackend, version: string): McpServer {
  const server = new McpServer({ name: 'syntra', version });
  for (const register of MCP_TOOLS) register(server, backend);
  registerResources(server, backend);
  return server;
}
