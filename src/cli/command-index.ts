import type { Command } from 'commander';

/**
 * What `syntra --help` needs to list a command without loading it (name, its help term and
 * description, exactly as the command declares them) and how to load it. `syntra X` loads only
 * X's module, so `syntra diagnose` never imports the API, the database or the model SDKs and
 * `syntra --help` imports none of the commands. test/cli/command-index.test.ts checks that every
 * command in all-commands.ts has an entry here equal to what the command itself declares.
 */
export interface CommandEntry {
  name: string;
  /** Commander's subcommand term: name, `[options]` when it has any, its arguments. */
  term: string;
  description: string;
  /** Other names the command answers to (`syntra actions` is `syntra approvals`). */
  aliases?: readonly string[];
  load: () => Promise<Command>;
}

export const COMMAND_INDEX: readonly CommandEntry[] = [
  {
    name: 'demo',
    term: 'demo [options]',
    description: 'investigate the bundled demo cluster end to end in this process (temporary embedded database), then clean up',
    load: async () => (await import('./commands/demo.js')).demoCommand(),
  },
  {
    name: 'up',
    term: 'up [options]',
    description: 'run everything in one process: control API, worker and outbox relay (embedded PGlite unless DATABASE_URL is set)',
    load: async () => (await import('./commands/up.js')).upCommand(),
  },
  {
    name: 'server',
    term: 'server [options]',
    description: 'run the control API and the outbox relay against PostgreSQL (DATABASE_URL); run any number of replicas',
    load: async () => (await import('./commands/server.js')).serverCommand(),
  },
  {
    name: 'worker',
    term: 'worker [options]',
    description: 'run a worker that claims and executes tasks from PostgreSQL (DATABASE_URL); run any number of replicas',
    load: async () => (await import('./commands/worker.js')).workerCommand(),
  },
  {
    name: 'admin',
    term: 'admin',
    description: 'operator tasks with DATABASE_URL alone: keys, passwords, workers, signing keys (no server or API key needed)',
    load: async () => (await import('./commands/admin.js')).adminCommand(),
  },
  {
    name: 'diagnose',
    term: 'diagnose [options]',
    description: 'find the root cause of Kubernetes failures from a dump, kubectl output, the live cluster or the demo — no server needed',
    load: async () => (await import('./commands/diagnose.js')).diagnoseCommand(),
  },
  {
    name: 'mcp',
    term: 'mcp [options]',
    description: 'serve Syntra to MCP clients over stdio: ask, diagnose, get_run, list_runs, list_incidents, get_incident, similar_incidents',
    load: async () => (await import('./commands/mcp.js')).mcpCommand(),
  },
  {
    name: 'watch',
    term: 'watch [options]',
    description: 'scan the cluster every --interval seconds and raise alerts (investigated by the server) for what became unhealthy',
    load: async () => (await import('./commands/watch.js')).watchCommand(),
  },
  {
    name: 'ask',
    term: 'ask [options] <question...>',
    description: 'ask Syntra about your cluster and watch the investigation happen',
    load: async () => (await import('./commands/ask.js')).askCommand(),
  },
  {
    name: 'repl',
    term: 'repl [options]',
    description: 'interactive session: ask questions, follow them live, follow up (also: bare `syntra` on a terminal)',
    load: async () => (await import('./commands/repl.js')).replCommand(),
  },
  {
    name: 'runs',
    term: 'runs',
    description: 'list, show, watch and cancel runs',
    load: async () => (await import('./commands/runs.js')).runsCommand(),
  },
  {
    name: 'incidents',
    term: 'incidents',
    description: 'past incidents Syntra diagnosed',
    load: async () => (await import('./commands/incidents.js')).incidentsCommand(),
  },
  {
    name: 'approvals',
    aliases: ['actions'],
    term: 'approvals|actions',
    description: 'actions Syntra proposes, and their approval (read-only unless approved)',
    load: async () => (await import('./commands/approvals.js')).approvalsCommand(),
  },
  {
    name: 'login',
    term: 'login [options]',
    description: 'log in with email and password, or store an API key',
    load: async () => (await import('./commands/login.js')).loginCommand(),
  },
  {
    name: 'logout',
    term: 'logout [options]',
    description: 'end your session and forget the stored credentials',
    load: async () => (await import('./commands/login.js')).logoutCommand(),
  },
  {
    name: 'status',
    term: 'status [options]',
    description: 'who am I, which endpoint, when credentials expire, rate-limit windows',
    load: async () => (await import('./commands/status.js')).statusCommand(),
  },
  {
    name: 'health',
    term: 'health [options]',
    description: 'is the API up and ready (database, migrations, bus, agents)?',
    load: async () => (await import('./commands/service-info.js')).healthCommand(),
  },
  {
    name: 'agents',
    term: 'agents [options]',
    description: 'the agents of the investigation pipeline and what each does',
    load: async () => (await import('./commands/service-info.js')).agentsCommand(),
  },
  {
    name: 'tools',
    term: 'tools [options]',
    description: 'the read-only tools agents may call',
    load: async () => (await import('./commands/service-info.js')).toolsCommand(),
  },
  {
    name: 'keys',
    term: 'keys',
    description: 'create, list, rotate and revoke API keys (needs keys:manage)',
    load: async () => (await import('./commands/keys.js')).keysCommand(),
  },
  {
    name: 'control',
    term: 'control',
    description: 'the live control registry: show, history, rollback, routes',
    load: async () => (await import('./commands/control.js')).controlCommand(),
  },
  {
    name: 'clusters',
    term: 'clusters',
    description: 'the clusters registry: add, list, remove, use',
    load: async () => (await import('./commands/clusters.js')).clustersCommand(),
  },
  {
    name: 'config',
    term: 'config',
    description: 'show and change CLI settings (endpoint, api-key, namespace, output, color)',
    load: async () => (await import('./commands/config.js')).configCommand(),
  },
  {
    // Prints the whole command tree, so main.ts loads every command for it.
    name: 'completion',
    term: 'completion <shell>',
    description: 'print a shell completion script (bash or zsh)',
    load: async () => (await import('./commands/completion.js')).completionCommand(),
  },
];

/**
 * The command a command line runs: the first word that is not an option (syntra has no global
 * options that take a value), or the one after `help`. Undefined for `syntra`, `--help`, `-v`.
 */
export function invokedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
