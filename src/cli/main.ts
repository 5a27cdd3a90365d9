import { Command, CommanderError, Help } from 'commander';
import { errorMessage } from '../domain/errors.js';
import { COMMAND_INDEX, invokedCommand } from './command-index.js';
import { flushOutput, withDefaultCommand } from './process-output.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit.js';
import { VERSION } from '../version.js';


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

/** The program around the given top-level commands (each fully defined, or a stub for --help). */
function assemble(commands: Command[]): Command {
  const program = new Command('syntra')
    .description('Syntra — an AI DevOps teammate for Kubernetes incidents, on a durable agent control plane')
    .version(VERSION, '-v, --version')
    .addHelpText('after', EXAMPLES);
  for (const cmd of commands) program.addCommand(cmd);
  // addCommand does not pass settings down, so apply them to the whole tree here.
  const configure = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Every command loaded (completion walks the whole tree; tests inspect it). */
export async function fullProgram(): Promise<Command> {
  const { COMMANDS } = await import('./all-commands.js');
  return assemble(COMMANDS.map((make) => make()));
}

/**
 * The program for one command line: the command it runs loaded, every other one a stub that
 * --help lists with the term and description from the index. A name the index does not know
 * (a typo, or a command added without an entry) gets the full program, so commander's own
 * "unknown command" and suggestions stay exact.
 */
export async function programFor(args: readonly string[]): Promise<Command> {
  const name = invokedCommand(args);
  const wanted = COMMAND_INDEX.find((e) => e.name === name || e.aliases?.includes(name ?? ''));
  if (name !== undefined && (!wanted || name === 'completion')) return fullProgram();
  const terms = new Map<Command, string>();
  const commands = await Promise.all(
    COMMAND_INDEX.map(async (entry) => {
      if (entry === wanted) return entry.load();
      const stub = new Command(entry.name).aliases(entry.aliases ?? []).description(entry.description);
      terms.set(stub, entry.term);
      return stub;
    }),
  );
  const program = assemble(commands);
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? help.subcommandTerm(cmd) });
  return program;
}

/** Parses argv, runs the command to completion, and returns the process exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    const args = withDefaultCommand(argv);
    const program = await programFor(args.slice(2));
    await program.parseAsync(args);
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
