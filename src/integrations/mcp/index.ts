/** Syntra as an MCP server (stdio, and streamable HTTP at POST /mcp): ask, diagnose, runs and incidents as tools and resources. */
export { createMcpServer } from './server.js';
export { apiBackend, type McpBackend, type AskArgs, type BackendOptions, type ApiCalls } from './backend.js';
export { MCP_TOOLS } from './tools.js';
