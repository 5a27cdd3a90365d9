import type { Command } from 'commander';
import { approvalsCommand } from './commands/approvals.js';
import { clustersCommand } from './commands/clusters.js';
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
  clustersCommand,
  configCommand,
  completionCommand,
];

// Kept importable from here; they live apart so main.ts can use them without loading every command.
export { flushOutput, withDefaultCommand } from './process-output.js';
