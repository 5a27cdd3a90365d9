import { Command, Option } from 'commander';
import { contextOf, withClientOptions, withNamespaceOption } from '../context.js';
import { runRepl } from '../repl/session.js';

/** `syntra repl` (and bare `syntra` on a terminal): the interactive session. */
export function replCommand(): Command {
  const cmd = new Command('repl').description('interactive session: ask questions, follow them live, follow up (also: bare `syntra` on a terminal)');
  withNamespaceOption(cmd);
  withClientOptions(cmd);
  // The original CLI's `repl --enhanced` turned on history and line editing, which this REPL
  // always has: accepted so scripts and habits carry over, hidden because it changes nothing.
  cmd.addOption(new Option('--enhanced', 'accepted for compatibility (history and line editing are always on)').hideHelp());
  return cmd
    .addHelpText(
      'after',
      `
Slash commands: /namespace NS, /runs, /clear, /help, /exit. A trailing \\ continues a question
on the next line; a pasted block is one question. Ctrl-C cancels the running question and its
run, not the session. History is kept across sessions in your user config directory.
Reads questions from stdin when it is not a terminal (one per line).

Examples:
  $ syntra
  $ syntra repl -n production
  $ printf 'why is auth-service crashing\\n/exit\\n' | syntra repl`,
    )
    .action(async (_opts: unknown, self: Command) => {
      const { settings, term, client } = contextOf(self);
      await runRepl({ settings, term, client });
    });
}
