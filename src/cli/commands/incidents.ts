import { resolveId } from '../client/resolve-id.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Remediation, ResourceRef } from '../../domain/diagnosis.js';
import { contextOf, withClientOptions, withNamespaceOption } from '../context.js';
import { UsageError } from '../exit.js';
import { renderFields, renderTable } from '../output/table.js';
import { remediationLines, similarLines, type SimilarIncident } from '../render/answer.js';
import { dateTime, percent, shortIds } from '../render/formatting.js';

/**
 * `syntra incidents list|show|search|similar|feedback|resolve|reopen|tag` — the incident memory:
 * what Syntra diagnosed before, what fixed it, and whether that held.
 */
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
  tags?: string[];
  remediationVerified?: boolean | null;
  rootCauseCorrect?: boolean | null;
  lastFix?: string | null;
  recurrence?: { count: number; text: string } | null;
  feedback?: Array<{ createdAt: string; createdBy: string | null; verified: boolean | null; rootCauseCorrect: boolean | null; remediationApplied: string | null; note: string | null }>;
  runIds?: string[];
}

const yesNo = (v: boolean | null | undefined, yes: string, no: string) => (v === true ? yes : v === false ? no : undefined);

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
    .option('--recurring', 'only incidents seen by two or more runs in the last 7 days')
    .option('--tag <tag>', 'only incidents with this tag, e.g. database')
    .addOption(new Option('--type <rootCauseType>', 'only this root-cause type, e.g. oom_killed'))
    .option('--limit <n>', 'how many (1-100)', positive, 20)
    .option('--cursor <cursor>', 'the next page');
  withNamespaceOption(cmd);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra incidents list\n  $ syntra incidents list -n production --type oom_killed --json')
    .action(async (opts: { status?: string; type?: string; limit: number; cursor?: string; recurring?: boolean; tag?: string }, self: Command) => {
      const { settings, term, client } = contextOf(self);
      const page = await client.get<{ items: Incident[]; nextCursor?: string | null }>('/v1/incidents', {
        limit: opts.limit,
        namespace: settings.namespace,
        status: opts.status,
        root_cause_type: opts.type,
        cursor: opts.cursor,
        recurring: opts.recurring ? true : undefined,
        tag: opts.tag,
      });
      if (term.json) return term.printJson(page);
      if (!page.items.length) return term.out('No incidents yet. One is recorded each time `syntra ask` completes a diagnosis.');
      const ids = term.tty ? shortIds(page.items.map((i) => i.id)) : page.items.map((i) => i.id);
      term.out(
        renderTable(
          term,
          ['Incident', 'Last seen', 'Seen', 'Status', 'Namespace', 'Root cause', 'Confidence', 'Title'],
          page.items.map((i, n) => [ids[n]!, dateTime(i.lastSeen), `${i.occurrences}×`, i.status, i.namespace ?? '', i.rootCauseType, percent(i.confidence), i.title]),
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
      id = await resolveId(client, 'incidents', id);
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
          ['Recurring', i.recurrence ? term.color.yellow(i.recurrence.text) : undefined],
          ['Tags', i.tags?.length ? i.tags.join(', ') : undefined],
          ['Last fix', i.lastFix ? `${i.lastFix}${i.remediationVerified === true ? term.color.green(' — verified') : i.remediationVerified === false ? term.color.red(' — did not hold') : ''}` : undefined],
          ['Root cause', yesNo(i.rootCauseCorrect, 'confirmed by feedback', term.color.red('marked wrong by feedback'))],
          ['Last run', i.lastRunId ? `${i.lastRunId}  (syntra runs show ${i.lastRunId})` : undefined],
        ]),
      );
      if (i.symptoms.length) term.out(`${term.color.bold('Symptoms')}\n${i.symptoms.map((s) => `  • ${s}`).join('\n')}`);
      const rem = remediationLines(term, { immediate: [], verification: [], prevention: [], ...i.remediation });
      if (rem.length) term.out(`${term.color.bold('Remediation')}\n${rem.join('\n')}`);
      if (i.feedback?.length) {
        term.out(term.color.bold('Feedback'));
        for (const f of i.feedback) {
          const said = [yesNo(f.verified, 'fix verified', 'fix did not hold'), yesNo(f.rootCauseCorrect, 'root cause right', 'root cause wrong'), f.remediationApplied ? `applied: ${f.remediationApplied}` : undefined, f.note ?? undefined].filter(Boolean);
          term.out(`  • ${dateTime(f.createdAt)} ${term.color.dim(f.createdBy ?? '')} ${said.join(' · ')}`);
        }
      }
    });
}

const withinLimit = (max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`must be an integer between 1 and ${max}`);
  return n;
};

function searchCommand(): Command {
  const cmd = new Command('search')
    .description('search past incidents by what happened (words and similarity)')
    .argument('<text...>', 'what happened, e.g. connection refused postgres')
    .addOption(new Option('--type <rootCauseType>', 'only this root-cause type, e.g. oom_killed'))
    .option('--status <status>', 'only open or resolved incidents')
    .option('--tag <tag>', 'only incidents with this tag')
    .option('--since <time>', 'only incidents seen since (RFC 3339, e.g. 2026-12-01T00:00:00Z)')
    .option('--limit <n>', 'how many (1-50)', withinLimit(50), 10);
  withNamespaceOption(cmd);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra incidents search "connection refused postgres"\n  $ syntra incidents search oom killed -n production --json')
    .action(async (text: string[], opts: { type?: string; status?: string; tag?: string; since?: string; limit: number }, self: Command) => {
      const { settings, term, client } = contextOf(self);
      const q = text.join(' ').trim();
      if (!q) throw new UsageError('give the words to search for, e.g. syntra incidents search "connection refused postgres"');
      const res = await client.get<{ items: Array<SimilarIncident & { tags: string[] }>; method: string }>('/v1/incidents/search', {
        q,
        limit: opts.limit,
        namespace: settings.namespace,
        root_cause_type: opts.type,
        status: opts.status,
        tag: opts.tag,
        since: opts.since,
      });
      if (term.json) return term.printJson(res);
      if (!res.items.length) return term.out(`No past incident matches "${q}". Try other words, or fewer filters.`);
      term.out(similarLines(term, res.items).join('\n'));
      if (res.method === 'text') term.out(term.color.dim('(ranked by words only: the embeddings endpoint did not answer)'));
    });
}

function similarCommand(): Command {
  const cmd = new Command('similar').description('past incidents similar to one, verified fixes first').argument('<incidentId>', 'incident id (see `syntra incidents list`)');
  withClientOptions(cmd);
  return cmd.addHelpText('after', '\nExamples:\n  $ syntra incidents similar <incidentId>\n  $ syntra incidents similar <incidentId> --json').action(async (id: string, _opts: unknown, self: Command) => {
    const { term, client } = contextOf(self);
    id = await resolveId(client, 'incidents', id);
    const res = await client.get<{ items: SimilarIncident[] }>(`/v1/incidents/${encodeURIComponent(id)}/similar`);
    if (term.json) return term.printJson(res);
    term.out(res.items.length ? similarLines(term, res.items).join('\n') : 'No similar past incident.');
  });
}

function feedbackCommand(): Command {
  const cmd = new Command('feedback')
    .description('say what fixed an incident, whether it held, and whether the root cause was right')
    .argument('<incidentId>', 'incident id (see `syntra incidents list`)')
    .option('--verified', 'the fix was applied and the problem went away')
    .option('--not-verified', 'the fix was applied and did not help')
    .option('--applied <what>', 'what was done, e.g. "scaled deployment/postgres to 1"')
    .option('--wrong-root-cause', 'the root cause was wrong (it then ranks lower among similar incidents)')
    .option('--right-root-cause', 'the root cause was right')
    .option('--note <text>', 'anything else worth remembering');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra incidents feedback <id> --verified --applied "scaled deployment/postgres to 1"\n  $ syntra incidents feedback <id> --wrong-root-cause --note "it was the network policy"')
    .action(async (id: string, opts: { verified?: boolean; notVerified?: boolean; applied?: string; wrongRootCause?: boolean; rightRootCause?: boolean; note?: string }, self: Command) => {
      const { term, client } = contextOf(self);
      id = await resolveId(client, 'incidents', id);
      if (opts.verified && opts.notVerified) throw new UsageError('use one of --verified and --not-verified');
      if (opts.wrongRootCause && opts.rightRootCause) throw new UsageError('use one of --wrong-root-cause and --right-root-cause');
      const body = {
        ...(opts.verified || opts.notVerified ? { verified: Boolean(opts.verified) } : {}),
        ...(opts.wrongRootCause || opts.rightRootCause ? { root_cause_correct: Boolean(opts.rightRootCause) } : {}),
        ...(opts.applied ? { remediation_applied: opts.applied } : {}),
        ...(opts.note ? { note: opts.note } : {}),
      };
      if (!Object.keys(body).length) {
        throw new UsageError('say something: --verified or --not-verified, --applied "<what was done>", --wrong-root-cause or --right-root-cause, --note "<text>"');
      }
      const res = await client.post<{ incident: Incident }>(`/v1/incidents/${encodeURIComponent(id)}/feedback`, body);
      if (term.json) return term.printJson(res);
      const i = res.incident;
      term.out(`Feedback recorded for ${i.title}.${i.remediationVerified === true ? ' Its fix now ranks first among similar incidents.' : ''}${i.rootCauseCorrect === false ? ' Its root cause is remembered as wrong.' : ''}`);
    });
}

function statusCommand(name: 'resolve' | 'reopen'): Command {
  const cmd = new Command(name)
    .description(name === 'resolve' ? 'mark an incident resolved' : 'reopen a resolved incident')
    .argument('<incidentId>', 'incident id (see `syntra incidents list`)')
    .option('--note <text>', 'why');
  withClientOptions(cmd);
  return cmd.addHelpText('after', `\nExamples:\n  $ syntra incidents ${name} <incidentId>\n  $ syntra incidents ${name} <incidentId> --note "${name === 'resolve' ? 'postgres scaled back up' : 'it came back'}"`).action(async (id: string, opts: { note?: string }, self: Command) => {
    const { term, client } = contextOf(self);
    id = await resolveId(client, 'incidents', id);
    const i = await client.post<Incident>(`/v1/incidents/${encodeURIComponent(id)}/${name}`, opts.note ? { note: opts.note } : {});
    if (term.json) return term.printJson(i);
    term.out(`${i.title}: ${i.status}.`);
  });
}

const tagList = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((t) => t.trim()).filter(Boolean)];

function tagCommand(): Command {
  const cmd = new Command('tag')
    .description('add or remove tags')
    .argument('<incidentId>', 'incident id (see `syntra incidents list`)')
    .option('--add <tags>', 'tags to add, comma-separated (lower-case words with dashes)', tagList)
    .option('--remove <tags>', 'tags to remove, comma-separated', tagList);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra incidents tag <id> --add database,postgres --remove dns')
    .action(async (id: string, opts: { add?: string[]; remove?: string[] }, self: Command) => {
      const { term, client } = contextOf(self);
      id = await resolveId(client, 'incidents', id);
      if (!opts.add?.length && !opts.remove?.length) throw new UsageError('give --add <tags> or --remove <tags>, e.g. --add database');
      const i = await client.post<Incident>(`/v1/incidents/${encodeURIComponent(id)}/tags`, { ...(opts.add?.length ? { add: opts.add } : {}), ...(opts.remove?.length ? { remove: opts.remove } : {}) });
      if (term.json) return term.printJson(i);
      term.out(`${i.title}: tags ${i.tags?.join(', ') || '(none)'}`);
    });
}

export function incidentsCommand(): Command {
  return new Command('incidents')
    .description('past incidents Syntra diagnosed')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(searchCommand())
    .addCommand(similarCommand())
    .addCommand(feedbackCommand())
    .addCommand(statusCommand('resolve'))
    .addCommand(statusCommand('reopen'))
    .addCommand(tagCommand())
    .addHelpText(
      'after',
      '\nExamples:\n  $ syntra incidents list --recurring\n  $ syntra incidents show <incidentId>\n  $ syntra incidents search "connection refused postgres"\n  $ syntra incidents feedback <incidentId> --verified --note "scaled postgres back up"',
    );
}
