import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../domain/errors.js';
import { adminCommand } from './commands/admin.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { demoCommand } from './commands/demo.js';
import { mcpCommand } from './commands/mcp.js';
import { watchCommand } from './commands/watch.js';
import { serverCommand } from './commands/server.js';
import { upCommand } from './commands/up.js';
import { workerCommand } from './commands/worker.js';
import { CLIENT_COMMANDS, flushOutput, withDefaultCommand } from './client-commands.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Every subcommand, one line each; a new verb is a file in commands/ plus one line here. */
const COMMANDS: Array<() => Command> = [
  demoCommand,
  upCommand,
  serverCommand,
  workerCommand,
  adminCommand,
  diagnoseCommand,
  mcpCommand,
  watchCommand,
  ...CLIENT_COMMANDS,
];

const EXAMPLES = `
Examples:
  $ syntra up                                  # API + worker + relay in one process, PGlite in ./.syntra/data
  $ SYNTRA_PORT=8080 syntra up --data-dir /tmp/syntra
  $ DATABASE_URL=postgres://localhost/syntra NATS_URL=nats://localhost:4222 syntra server
  $ DATABASE_URL=postgres://localhost/syntra NATS_URL=nats://localhost:4222 syntra worker --concurrency 8
  $ DATABASE_URL=postgres://localhost/syntra syntra admin keys create --owner admin@example.com

  $ syntra ask "why is auth-service crashing in production"   # in another terminal
  $ syntra                                     # interactive session (REPL)
  $ syntra runs list && syntra incidents list

${EXIT_CODES_HELP}`;

export function buildProgram(): Command {
  const program = new Command('syntra')
    .description('Syntra — an AI DevOps teammate for Kubernetes incidents, on a durable agent control plane')
    .version(VERSION, '-v, --version')
    .addHelpText('after', EXAMPLES);
  for (const make of COMMANDS) program.addCommand(make());
  // addCommand does not pass settings down, so apply them to the whole tree here.
  const configure = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Parses argv, runs the command to completion, and returns the process exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(withDefaultCommand(argv));
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    // Commander has already printed its own message (unknown option, help, version).
    if (!(e instanceof CommanderError)) process.stderr.write(`syntra: ${errorMessage(e)}\n`);
    return exitCodeFor(e);
  } finally {
    // bin/syntra.js calls process.exit(): let large output (--json) reach a pipe first.
    await flushOutput();
  }
}
