import type { Command } from 'commander';
import { approvalsCommand } from './commands/approvals.js';
import { askCommand } from './commands/ask.js';
import { completionCommand } from './commands/completion.js';
import { configCommand } from './commands/config.js';
import { controlCommand } from './commands/control.js';
import { incidentsCommand } from './commands/incidents.js';
import { keysCommand } from './commands/keys.js';
import { loginCommand, logoutCommand } from './commands/login.js';
import { replCommand } from './commands/repl.js';
import { runsCommand } from './commands/runs.js';
import { agentsCommand, healthCommand, toolsCommand } from './commands/service-info.js';
import { statusCommand } from './commands/status.js';

/** The commands that talk to a Syntra API (registered in main.ts with one line). */
export const CLIENT_COMMANDS: Array<() => Command> = [
  askCommand,
  replCommand,
  runsCommand,
  incidentsCommand,
  approvalsCommand,
  loginCommand,
  logoutCommand,
  statusCommand,
  healthCommand,
  agentsCommand,
  toolsCommand,
  keysCommand,
  controlCommand,
  configCommand,
  completionCommand,
];

/** Bare `syntra` on a terminal opens the REPL; elsewhere it prints help (usage, exit 2). */
export function withDefaultCommand(argv: readonly string[], isTTY = Boolean(process.stdin.isTTY && process.stdout.isTTY)): string[] {
  return argv.length <= 2 && isTTY ? [...argv, 'repl'] : [...argv];
}

/** Resolves once everything written to stdout and stderr so far has been handed to the OS. */
export async function flushOutput(): Promise<void> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => (stream.writableLength === 0 || stream.destroyed ? resolve() : stream.write('', () => resolve()))),
    ),
  );
}
