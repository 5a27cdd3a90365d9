import { Option, type Command } from 'commander';
import { ApiClient } from './client/http.js';
import { resolveSettings, type SettingFlags, type Settings } from './config/resolve.js';
import { createTerminal, type Terminal } from './output/terminal.js';

/**
 * What every API-talking command needs, built from its flags: effective settings (with
 * precedence applied), the terminal (colour, JSON, TTY) and the API client.
 */
export interface CliContext {
  settings: Settings;
  term: Terminal;
  client: ApiClient;
}

/** --endpoint, --api-key, --json, --output, --color/--no-color: accepted by every command that talks to the API. */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', 'Syntra API URL (env SYNTRA_ENDPOINT, default http://127.0.0.1:7070)')
    .option('--api-key <key>', 'API key for this command only; prefer env SYNTRA_API_KEY (a key typed here lands in shell history)')
    .option('--trust-project-endpoint', 'use the endpoint a project .syntra/config.json sets without confirming it on a terminal')
    .option('--json', 'print JSON for scripts (same as --output json)')
    .addOption(new Option('-o, --output <format>', 'text or json (env SYNTRA_OUTPUT)').choices(['text', 'json']))
    .addOption(new Option('--color <when>', 'colours: auto, always or never (env SYNTRA_COLOR; NO_COLOR honoured)').choices(['auto', 'always', 'never']))
    .option('--no-color', 'no colours (same as --color never)');
}

export function withNamespaceOption(cmd: Command): Command {
  return cmd.option('-n, --namespace <namespace>', 'Kubernetes namespace (env SYNTRA_NAMESPACE, or `syntra config set namespace`)');
}

const warned = new Set<string>();

/** Said when a secret is typed as an argument: it stays in shell history and shows in process listings. */
export const KEY_ON_COMMAND_LINE =
  'an API key given on the command line stays in your shell history and shows in process listings: prefer SYNTRA_API_KEY, `syntra login --api-key-stdin` or `syntra config set api-key --stdin`';

export function settingsOf(cmd: Command): Settings {
  const flags = cmd.optsWithGlobals<SettingFlags>();
  const settings = resolveSettings(flags);
  if (flags.apiKey !== undefined) settings.warnings.push(KEY_ON_COMMAND_LINE);
  for (const w of settings.warnings) {
    if (warned.has(w)) continue;
    warned.add(w);
    process.stderr.write(`syntra: warning: ${w}\n`);
  }
  return settings;
}

export function contextOf(cmd: Command): CliContext {
  const settings = settingsOf(cmd);
  return { settings, term: createTerminal(settings), client: ApiClient.fromSettings(settings) };
}
