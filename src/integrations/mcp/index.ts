/** Syntra as an MCP server (stdio): ask, diagnose, runs and incidents as tools. */
export { createMcpServer } from './server.js';
export { apiBackend, type McpBackend, type AskArgs } from './backend.js';
