import type { Command } from 'commander';
import { CLIENT_COMMANDS } from './client-commands.js';
import { adminCommand } from './commands/admin.js';
import { demoCommand } from './commands/demo.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { mcpCommand } from './commands/mcp.js';
import { watchCommand } from './commands/watch.js';
import { serverCommand } from './commands/server.js';
import { upCommand } from './commands/up.js';
import { workerCommand } from './commands/worker.js';

/**
 * Every subcommand, one line each; a new verb is a file in commands/ plus one line here (or in
 * client-commands.ts) and its entry in command-index.ts, which lets a command start without
 * loading the others (test/cli/command-index.test.ts says when one is missing). Loading this
 * file loads every command: main.ts does it only for `completion` and names it does not index.
 */
export const COMMANDS: Array<() => Command> = [
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
