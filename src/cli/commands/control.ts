import { Command, InvalidArgumentError, Option } from 'commander';
import { contextOf, withClientOptions } from '../context.js';
import { renderFields, renderTable } from '../output/table.js';
import { dateTime } from '../render/formatting.js';
import { routesCommand } from './control-routes.js';

/** `syntra control show|history|rollback|routes` — the live control registry (prompts, skills, tools, routing, arbiters). */
interface Snapshot {
  version: number;
  prompts: Record<string, { version?: string; id?: string }>;
  promptVersions: Record<string, string[]>;
  skills: Record<string, unknown>;
  tools: Record<string, unknown>;
  routingRules: Array<Record<string, unknown>>;
  arbiters: Record<string, Record<string, unknown>>;
}

interface Change {
  version: number;
  entityType: string;
  entityName: string;
  action: string;
  actor: string;
  /** Who the actor is (email and key name) when it is a key or a user. */
  actorName?: string;
  reason: string;
  createdAt: string;
}

const nonNegative = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a version number (0, 1, 2, …)');
  return n;
};

function showCommand(): Command {
  const cmd = new Command('show').description('the effective control snapshot').option('--version <n>', 'a past version', nonNegative);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra control show\n  $ syntra control show --version 3 --json')
    .action(async (opts: { version?: number }, self: Command) => {
      const { term, client } = contextOf(self);
      const snap = await client.get<Snapshot>('/v1/control/snapshot', { version: opts.version });
      if (term.json) return term.printJson(snap);
      const names = (o: Record<string, unknown>) => Object.keys(o).join(', ') || '—';
      term.out(
        renderFields(term, [
          ['Version', String(snap.version)],
          ['Prompts', Object.entries(snap.prompts).map(([k, v]) => `${k}@${v.version ?? v.id ?? '?'}`).join(', ') || '—'],
          ['Skills', names(snap.skills)],
          ['Tools', names(snap.tools)],
          ['Routing rules', String(snap.routingRules.length)],
        ]),
      );
      const arbiters = Object.entries(snap.arbiters);
      if (arbiters.length) {
        term.out(renderTable(term, ['Arbiter', 'Policy'], arbiters.map(([k, v]) => [k, Object.entries(v).map(([pk, pv]) => `${pk}=${typeof pv === 'object' ? JSON.stringify(pv) : String(pv)}`).join(' ')])));
      }
      if (snap.routingRules.length) {
        term.out(renderTable(term, ['Routing rule'], snap.routingRules.map((r) => [JSON.stringify(r)])));
      }
    });
}

function historyCommand(): Command {
  const cmd = new Command('history')
    .description('control changes, newest first: who, when, why')
    .addOption(new Option('--type <entityType>', 'only changes of this entity type (prompt, skill, tool, routing, arbiter …)'))
    .option('--limit <n>', 'how many', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
      return n;
    }, 20)
    .option('--cursor <cursor>', 'the next page');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra control history\n  $ syntra control history --limit 5 --json')
    .action(async (opts: { type?: string; limit: number; cursor?: string }, self: Command) => {
      const { term, client } = contextOf(self);
      const page = await client.get<{ items: Change[]; nextCursor: string | null }>('/v1/control/history', { entityType: opts.type, limit: opts.limit, cursor: opts.cursor });
      if (term.json) return term.printJson(page);
      if (!page.items.length) return term.out('No control changes yet.');
      term.out(renderTable(term, ['Version', 'When', 'Who', 'Change', 'Why'], page.items.map((c) => [String(c.version), dateTime(c.createdAt), c.actorName ?? c.actor, `${c.action} ${c.entityType} ${c.entityName}`, c.reason])));
      if (page.nextCursor) term.out(term.color.dim(`more: syntra control history --cursor ${page.nextCursor}`));
    });
}

function rollbackCommand(): Command {
  const cmd = new Command('rollback')
    .description('make an older version effective again (recorded as a new version)')
    .argument('<version>', 'the version to restore', nonNegative)
    .requiredOption('--reason <text>', 'why (kept in the change log and audit trail)')
    .option('--allow-unapproved-writes', 'confirm restoring a state that lets cluster writes run without approval');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra control rollback 4 --reason "new prompt misroutes questions"')
    .action(async (version: number, opts: { reason: string; allowUnapprovedWrites?: boolean }, self: Command) => {
      const { term, client } = contextOf(self);
      const res = await client.post<{ version: number; change: Change }>('/v1/control/rollback', {
        toVersion: version,
        reason: opts.reason,
        ...(opts.allowUnapprovedWrites ? { allowUnapprovedWrites: true } : {}),
      });
      if (term.json) return term.printJson(res);
      term.out(`Restored version ${version} as version ${res.version}. Workers pick it up without a restart.`);
    });
}

export function controlCommand(): Command {
  return new Command('control')
    .description('the live control registry: show, history, rollback, routes')
    .addCommand(showCommand())
    .addCommand(historyCommand())
    .addCommand(rollbackCommand())
    .addCommand(routesCommand())
    .addHelpText('after', '\nExamples:\n  $ syntra control show\n  $ syntra control history\n  $ syntra control rollback 3 --reason "revert prompt"\n  $ syntra control routes list');
}
