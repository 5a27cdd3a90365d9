import { Command } from 'commander';
import { resolveSettings, storedKeyEndpoint, type Settings } from '../config/resolve.js';
import { SETTING_NAMES, SETTINGS, maskSecret, settingSpec, type SettingName } from '../config/settings.js';
import { updateProjectConfig } from '../config/project-file.js';
import { updateUserConfig, type UserConfig } from '../config/user-file.js';
import { KEY_ON_COMMAND_LINE, settingsOf, withClientOptions, withNamespaceOption } from '../context.js';
import { ask, closePrompts } from '../prompt/prompt.js';
import { UsageError } from '../exit.js';
import { renderTable } from '../output/table.js';
import { createTerminal } from '../output/terminal.js';

/**
 * `syntra config set|get|unset|list`: the CLI's own settings. Writes go to the user config
 * (0600) unless --project, which writes the nearest .syntra/config.json (never secrets).
 */
const PRECEDENCE = `
Settings: ${SETTING_NAMES.map((n) => `${n} (${SETTINGS[n].describe})`).join('; ')}.
Precedence, highest first: flags > environment (${SETTING_NAMES.map((n) => SETTINGS[n].env).join(', ')})
> project .syntra/config.json (nearest up the tree) > user config (XDG, mode 0600) > defaults.`;

/** get/list accept the same flags as other commands, so they show the effect of flags too. */
const withFlags = (cmd: Command) => withClientOptions(withNamespaceOption(cmd));

function shown(name: SettingName, value: string | undefined, showSecret: boolean): string {
  if (value === undefined) return '';
  return SETTINGS[name].secret && !showSecret ? maskSecret(value) : value;
}

function termFor(cmd: Command) {
  const opts = cmd.optsWithGlobals<{ json?: boolean; output?: string }>();
  return createTerminal({ color: process.env.NO_COLOR ? 'never' : 'auto', output: opts.json || opts.output === 'json' ? 'json' : 'text' });
}

async function valueFromStdin(): Promise<string> {
  try {
    return (await ask('Value: ', { secret: true, what: 'value' })).trim();
  } finally {
    closePrompts();
  }
}

function setCommand(): Command {
  return new Command('set')
    .description('store a setting')
    .argument('<name>', SETTING_NAMES.join(' | '))
    .argument('[value]', 'the value (or --stdin)')
    .option('--stdin', 'read the value from stdin (for api-key: keeps the key out of shell history)')
    .option('--project', 'write to the project file .syntra/config.json instead of your user config')
    .addHelpText(
      'after',
      '\nA stored api-key is bound to your endpoint (SYNTRA_ENDPOINT or the stored endpoint) and is never sent elsewhere.\n\nExamples:\n  $ syntra config set endpoint https://syntra.example.com\n  $ syntra config set api-key --stdin < ~/secrets/syntra.key\n  $ syntra config set namespace production --project\n  $ syntra config set output json',
    )
    .action(async (name: string, value: string | undefined, opts: { project?: boolean; stdin?: boolean }, self: Command) => {
      const spec = settingSpec(name);
      if ((value === undefined) === !opts.stdin) throw new UsageError(`give the value of ${name} either as an argument or on stdin with --stdin`);
      if (spec.secret && value !== undefined) process.stderr.write(`syntra: warning: ${KEY_ON_COMMAND_LINE}\n`);
      const checked = spec.check(value ?? (await valueFromStdin()));
      if (opts.project) {
        if (spec.secret) throw new UsageError(`${name} is a secret and does not belong in a project file (it gets committed); set it without --project`);
        const file = updateProjectConfig({ [spec.fileKey]: checked });
        termFor(self).out(`${name} = ${checked}  (${file})`);
        return;
      }
      const current = resolveSettings({});
      const binding = bindingChange(spec.name, current);
      updateUserConfig({ [spec.fileKey]: checked, ...binding });
      termFor(self).out(`${name} = ${shown(spec.name, checked, false)}  (${current.user.path})`);
      if (spec.name === 'endpoint' && current.user.config.apiKey && storedKeyEndpoint({ ...current.user.config, ...binding }) !== checked) {
        termFor(self).err(`note: the stored API key stays bound to ${storedKeyEndpoint({ ...current.user.config, ...binding })}; run \`syntra login --endpoint ${checked} --api-key-stdin\` for a key there`);
      }
    });
}

/**
 * A new api-key is bound to the user's own endpoint; a new endpoint leaves the stored key where
 * it was (a file from before the binding gets the endpoint the key was used with written down).
 */
function bindingChange(name: SettingName, current: Settings): Partial<UserConfig> {
  if (name === 'api-key') return { apiKeyEndpoint: current.ownEndpoint };
  if (name === 'endpoint' && current.user.config.apiKey && !current.user.config.apiKeyEndpoint) return { apiKeyEndpoint: storedKeyEndpoint(current.user.config) };
  return {};
}

function getCommand(): Command {
  return withFlags(new Command('get'))
    .description('print the effective value of a setting (after precedence)')
    .argument('<name>', SETTING_NAMES.join(' | '))
    .option('--show-secret', 'print the api-key in full')
    .addHelpText('after', '\nExit code 1 when the setting has no value.\n\nExamples:\n  $ syntra config get endpoint\n  $ syntra config get api-key --show-secret')
    .action((name: string, opts: { showSecret?: boolean; json?: boolean }, self: Command) => {
      const spec = settingSpec(name);
      const settings = settingsOf(self);
      const v = settings.values[spec.name];
      const value = shown(spec.name, v.value, opts.showSecret === true);
      if (termFor(self).json) return termFor(self).printJson({ name, value: v.value === undefined ? null : value, source: v.source, origin: v.origin ?? null });
      if (v.value === undefined) {
        process.exitCode = 1;
        return;
      }
      termFor(self).out(value);
    });
}

function unsetCommand(): Command {
  return new Command('unset')
    .description('remove a stored setting')
    .argument('<name>', SETTING_NAMES.join(' | '))
    .option('--project', 'remove it from the project file instead')
    .addHelpText('after', '\nExamples:\n  $ syntra config unset namespace\n  $ syntra config unset endpoint --project')
    .action((name: string, opts: { project?: boolean }, self: Command) => {
      const spec = settingSpec(name);
      if (opts.project) {
        const file = updateProjectConfig({ [spec.fileKey]: undefined });
        termFor(self).out(`${name} removed from ${file}`);
        return;
      }
      updateUserConfig({ [spec.fileKey]: undefined });
      termFor(self).out(`${name} removed from ${resolveSettings({}).user.path}`);
    });
}

function listCommand(): Command {
  return withFlags(new Command('list'))
    .alias('ls')
    .description('every setting with its effective value and where it comes from')
    .option('--show-secret', 'print the api-key in full')
    .addHelpText('after', '\nFlags given here show what they would change, e.g. `syntra config list -n staging`.\n\nExamples:\n  $ syntra config list\n  $ SYNTRA_NAMESPACE=staging syntra config list --json')
    .action((opts: { showSecret?: boolean; json?: boolean }, self: Command) => {
      const settings = settingsOf(self);
      const term = termFor(self);
      const rows = SETTING_NAMES.map((n) => {
        const v = settings.values[n];
        return { name: n, value: v.value === undefined ? null : shown(n, v.value, opts.showSecret === true), source: v.source, origin: v.origin ?? null };
      });
      const session = settings.user.config.session;
      if (term.json) {
        return term.printJson({ settings: rows, userConfig: settings.user.path, projectConfig: settings.project?.path ?? null, session: session ? { email: session.email, endpoint: session.endpoint, accessExpiresAt: session.accessExpiresAt } : null });
      }
      term.out(renderTable(term, ['Setting', 'Value', 'Source'], rows.map((r) => [r.name, r.value ?? '', r.origin ? `${r.source} (${r.origin})` : r.source])));
      term.out(`user config:    ${settings.user.path}`);
      term.out(`project config: ${settings.project?.path ?? '(none; `syntra config set … --project` creates .syntra/config.json)'}`);
      if (session) term.out(`session:        ${session.email} at ${session.endpoint}`);
    });
}

export function configCommand(): Command {
  return new Command('config')
    .description('show and change CLI settings (endpoint, api-key, namespace, output, color)')
    .addCommand(setCommand())
    .addCommand(getCommand())
    .addCommand(unsetCommand())
    .addCommand(listCommand())
    .addHelpText('after', `${PRECEDENCE}\n\nExamples:\n  $ syntra config list\n  $ syntra config set namespace production\n  $ syntra config get endpoint`);
}
