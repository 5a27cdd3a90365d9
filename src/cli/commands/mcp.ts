import { Command } from 'commander';
import { ApiClient } from '../client/http.js';
import { settingsOf } from '../context.js';
import { UsageError } from '../exit.js';
import { VERSION } from '../../version.js';

/**
 * `syntra mcp` — an MCP server on stdin/stdout for MCP clients (Claude Desktop, IDEs, agents).
 * Tools talk to the Syntra API with the credential the CLI would use (SYNTRA_API_KEY, the login
 * session or the config file), so permissions and namespaces are the key's. stdout carries the
 * protocol only; warnings go to stderr.
 */

export function mcpCommand(): Command {
  return new Command('mcp')
    .description('serve Syntra to MCP clients over stdio: ask, diagnose, get_run, list_runs, list_incidents, get_incident, similar_incidents')
    .option('--endpoint <url>', 'Syntra API URL (env SYNTRA_ENDPOINT, default http://127.0.0.1:7070)')
    .option('--trust-project-endpoint', 'use the endpoint a project .syntra/config.json sets')
    .addHelpText(
      'after',
      '\nExamples:\n  $ SYNTRA_API_KEY=sk_live_… syntra mcp\n  MCP client configuration: {"mcpServers": {"syntra": {"command": "syntra", "args": ["mcp"], "env": {"SYNTRA_API_KEY": "sk_live_…"}}}}\n  (docs/integrations.md)',
    )
    .action(async (_opts: unknown, self: Command) => {
      const settings = settingsOf(self);
      // stdin carries the protocol: an endpoint a project file chose cannot be confirmed here.
      const check = settings.endpointCheck;
      if (check.kind !== 'ok') {
        throw new UsageError(`${check.file} sets the endpoint to ${check.endpoint} and nobody confirmed it: pass --endpoint or SYNTRA_ENDPOINT, or confirm it once with any syntra command on a terminal`);
      }
      const [{ createMcpServer, apiBackend }, { StdioServerTransport }] = await Promise.all([
        import('../../integrations/mcp/index.js'),
        import('@modelcontextprotocol/sdk/server/stdio.js'),
      ]);
      const server = createMcpServer(apiBackend(new ApiClient(settings.endpoint, settings.credential, settings.env)), VERSION);
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
      await server.connect(transport);
      // Until the client closes stdin (or a signal ends the process).
      await Promise.race([closed, new Promise<void>((resolve) => process.stdin.once('end', resolve))]);
      await server.close();
    });
}
