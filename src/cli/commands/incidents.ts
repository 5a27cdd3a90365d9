import { Command, InvalidArgumentError, Option } from 'commander';
import type { Remediation, ResourceRef } from '../../domain/diagnosis.js';
import { contextOf, withClientOptions, withNamespaceOption } from '../context.js';
import { renderFields, renderTable } from '../output/table.js';
import { remediationLines } from '../render/answer.js';
import { dateTime, percent, shortId } from '../render/formatting.js';

/** `syntra incidents list|show` — the incident memory: what Syntra diagnosed before. */
interface Incident {
  id: string;
  namespace: string | null;
  title: string;
  status: string;
  rootCauseType: string;
  summary: string;
  confidence: number;
  symptoms: string[];
  affectedResources: ResourceRef[];
  remediation: Partial<Remediation>;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  lastRunId: string | null;
  runIds?: string[];
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('must be an integer between 1 and 100');
  return n;
};

function listCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('incidents, most recent first')
    .option('--status <status>', 'only incidents in this status, e.g. open or resolved')
    .addOption(new Option('--type <rootCauseType>', 'only this root-cause type, e.g. oom_killed'))
    .option('--limit <n>', 'how many (1-100)', positive, 20)
    .option('--cursor <cursor>', 'the next page');
  withNamespaceOption(cmd);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra incidents list\n  $ syntra incidents list -n production --type oom_killed --json')
    .action(async (opts: { status?: string; type?: string; limit: number; cursor?: string }, self: Command) => {
      const { settings, term, client } = contextOf(self);
      const page = await client.get<{ items: Incident[]; nextCursor?: string | null }>('/v1/incidents', {
        limit: opts.limit,
        namespace: settings.namespace,
        status: opts.status,
        root_cause_type: opts.type,
        cursor: opts.cursor,
      });
      if (term.json) return term.printJson(page);
      if (!page.items.length) return term.out('No incidents yet. One is recorded each time `syntra ask` completes a diagnosis.');
      term.out(
        renderTable(
          term,
          ['Incident', 'Last seen', 'Seen', 'Status', 'Namespace', 'Root cause', 'Confidence', 'Title'],
          page.items.map((i) => [term.tty ? shortId(i.id) : i.id, dateTime(i.lastSeen), `${i.occurrences}×`, i.status, i.namespace ?? '', i.rootCauseType, percent(i.confidence), i.title]),
        ),
      );
      if (page.nextCursor) term.out(term.color.dim(`more: syntra incidents list --cursor ${page.nextCursor}`));
    });
}

function showCommand(): Command {
  const cmd = new Command('show').description('one incident: root cause, symptoms, remediation, its runs').argument('<incidentId>', 'incident id (see `syntra incidents list`)');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra incidents show 0190c3e2-7d4a-7b1c-9e2f-1a2b3c4d5e6f\n  $ syntra incidents show <id> --json | jq .remediation')
    .action(async (id: string, _opts: unknown, self: Command) => {
      const { term, client } = contextOf(self);
      const res = await client.get<Incident | { incident: Incident }>(`/v1/incidents/${encodeURIComponent(id)}`);
      if (term.json) return term.printJson(res);
      const i = 'incident' in res ? res.incident : res;
      const ref = (r: ResourceRef) => `${r.kind}/${r.name}`;
      term.out(
        renderFields(term, [
          ['Incident', i.id],
          ['Title', term.color.bold(i.title)],
          ['Status', i.status],
          ['Namespace', i.namespace ?? undefined],
          ['Root cause', `${term.color.red(i.rootCauseType)} ${term.color.dim(`confidence ${percent(i.confidence)}`)}`],
          ['Summary', i.summary],
          ['Affected', i.affectedResources.map(ref).join(', ')],
          ['Seen', `${i.occurrences}× — first ${dateTime(i.firstSeen)}, last ${dateTime(i.lastSeen)}`],
          ['Resolved', i.resolvedAt ? dateTime(i.resolvedAt) : undefined],
          ['Last run', i.lastRunId ? `${i.lastRunId}  (syntra runs show ${i.lastRunId})` : undefined],
        ]),
      );
      if (i.symptoms.length) term.out(`${term.color.bold('Symptoms')}\n${i.symptoms.map((s) => `  • ${s}`).join('\n')}`);
      const rem = remediationLines(term, { immediate: [], verification: [], prevention: [], ...i.remediation });
      if (rem.length) term.out(`${term.color.bold('Remediation')}\n${rem.join('\n')}`);
    });
}

export function incidentsCommand(): Command {
  return new Command('incidents')
    .description('past incidents Syntra diagnosed')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addHelpText('after', '\nExamples:\n  $ syntra incidents list\n  $ syntra incidents show <incidentId>');
}
