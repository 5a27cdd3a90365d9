import { Command } from 'commander';
import { resolveSettings } from '../config/resolve.js';
import { SETTING_NAMES, SETTINGS, maskSecret, settingSpec, type SettingName } from '../config/settings.js';
import { updateProjectConfig } from '../config/project-file.js';
import { updateUserConfig } from '../config/user-file.js';
import { settingsOf, withClientOptions, withNamespaceOption } from '../context.js';
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

function setCommand(): Command {
  return new Command('set')
    .description('store a setting')
    .argument('<name>', SETTING_NAMES.join(' | '))
    .argument('<value>', 'the value')
    .option('--project', 'write to the project file .syntra/config.json instead of your user config')
    .addHelpText('after', '\nExamples:\n  $ syntra config set endpoint https://syntra.example.com\n  $ syntra config set namespace production --project\n  $ syntra config set output json')
    .action((name: string, value: string, opts: { project?: boolean }, self: Command) => {
      const spec = settingSpec(name);
      const checked = spec.check(value);
      if (opts.project) {
        if (spec.secret) throw new UsageError(`${name} is a secret and does not belong in a project file (it gets committed); set it without --project`);
        const file = updateProjectConfig({ [spec.fileKey]: checked });
        termFor(self).out(`${name} = ${checked}  (${file})`);
        return;
      }
      updateUserConfig({ [spec.fileKey]: checked });
      const user = resolveSettings({}).user.path;
      termFor(self).out(`${name} = ${shown(spec.name, checked, false)}  (${user})`);
    });
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
