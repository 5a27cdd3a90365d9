import { Command } from 'commander';
import { SyntraError, isSyntraError } from '../../domain/errors.js';
import type { ApiClient } from '../client/http.js';
import { contextOf, withClientOptions } from '../context.js';
import { renderFields, renderTable } from '../output/table.js';

/** `syntra health`, `syntra agents`, `syntra tools`: what the server is and can do. */
async function optional<T>(p: Promise<T>, alsoMissing: string[] = []): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isSyntraError(e) && (e.code === 'not_found' || alsoMissing.includes(e.code))) return undefined;
    throw e;
  }
}

function noAgentsApi(client: ApiClient, what: string): SyntraError {
  return new SyntraError('not_found', `the server at ${client.endpoint} has no ${what} API (GET /api/${what}); it predates the agents — upgrade it`);
}

export function healthCommand(): Command {
  const cmd = new Command('health').description('is the API up and ready (database, migrations, bus, agents)?');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExit code 0 when ready (also when degraded: the bus is away and workers poll), 1 when the server answers but is not ready, 1 when unreachable.\n\nExamples:\n  $ syntra health\n  $ syntra health --json')
    .action(async (_opts: unknown, self: Command) => {
      const { term, client, settings } = contextOf(self);
      const live = await client.request<{ status: string }>('GET', '/healthz', { auth: false });
      let ready: { status: string; checks?: Record<string, string> };
      try {
        ready = await client.request('GET', '/readyz', { auth: false });
      } catch (e) {
        if (!(isSyntraError(e) && e.code === 'not_ready')) throw e;
        ready = { status: 'not ready', checks: (e.details as { checks?: Record<string, string> } | undefined)?.checks ?? {} };
        process.exitCode = 1;
      }
      // Agent health is a bonus: a server without it, or one that wants other credentials for it, is still healthy.
      const agents = await optional(client.request<Record<string, unknown>>('GET', '/api/health'), ['unauthenticated', 'invalid_credentials', 'credentials_expired', 'forbidden']);
      if (term.json) return term.printJson({ endpoint: settings.endpoint, live, ready, agents: agents ?? null });
      // Degraded (the bus is away, workers poll) still serves: a warning, not a failure.
      const ok = (s: string) =>
        s === 'ok' || s === 'ready' || s === 'healthy' ? term.color.green(s) : s === 'degraded' || s === 'disconnected' ? term.color.yellow(s) : term.color.red(s);
      term.out(
        renderFields(term, [
          ['Endpoint', settings.endpoint],
          ['Live', ok(live.status)],
          ['Ready', ok(ready.status)],
          ...Object.entries(ready.checks ?? {}).map(([k, v]): [string, string] => [`  ${k}`, ok(v)]),
          ...(agents ? Object.entries(agents).map(([k, v]): [string, string] => [`agents ${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v)]) : []),
        ]),
      );
    });
}

type Named = { name?: string; id?: string; description?: string; [k: string]: unknown };

function listOf(body: unknown, key: string): Named[] {
  if (Array.isArray(body)) return body as Named[];
  const b = body as Record<string, unknown>;
  const inner = b[key] ?? b.items;
  if (Array.isArray(inner)) return inner as Named[];
  if (inner && typeof inner === 'object') return Object.entries(inner).map(([name, v]) => ({ name, ...(typeof v === 'object' ? (v as object) : { description: String(v) }) }));
  return [];
}

function listingCommand(name: 'agents' | 'tools', description: string, example: string): Command {
  const cmd = new Command(name).description(description);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', `\nExamples:\n  $ syntra ${name}\n  ${example}`)
    .action(async (_opts: unknown, self: Command) => {
      const { term, client } = contextOf(self);
      const body = await optional(client.get<unknown>(`/api/${name}`));
      if (body === undefined) throw noAgentsApi(client, name);
      if (term.json) return term.printJson(body);
      const items = listOf(body, name);
      if (!items.length) return term.out(`No ${name}.`);
      const extra = (i: Named) =>
        Object.entries(i)
          .filter(([k, v]) => !['name', 'id', 'description', 'parameters', 'inputSchema', 'schema'].includes(k) && v !== null && v !== undefined && typeof v !== 'object')
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ');
      term.out(renderTable(term, ['Name', 'Description', 'Details'], items.map((i) => [String(i.name ?? i.id ?? ''), String(i.description ?? ''), extra(i)])));
    });
}

export const agentsCommand = () => listingCommand('agents', 'the agents of the investigation pipeline and what each does', '$ syntra agents --json');
export const toolsCommand = () => listingCommand('tools', 'the read-only tools agents may call', '$ syntra tools --json | jq ".[].name"');
