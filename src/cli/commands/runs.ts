import { idArg, resolveId } from '../client/resolve-id.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { followRun, runErrorText, runFailure, type RunView } from '../ask/ask-flow.js';
import { contextOf, withClientOptions } from '../context.js';
import { renderFields, renderTable } from '../output/table.js';
import { renderAnswer, type AskAnswer } from '../render/answer.js';
import { between, dateTime, shortIds, statusText } from '../render/formatting.js';
import { RunEventPrinter } from '../render/run-events.js';
import type { RunEvent } from '../client/sse.js';

/** `syntra runs list|show|watch|cancel` — explore and control runs. */
interface TaskView {
  id: string;
  taskType: string;
  status: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: unknown;
}

interface RunDetail {
  run: RunView;
  tasks: TaskView[];
  artifacts: Array<{ name: string; kind: string; latestVersion: number }>;
  events: RunEvent[];
}


const runIdArg = idArg('run', 'syntra runs list');

function prompt(run: RunView): string {
  const input = (run.input ?? {}) as Record<string, unknown>;
  const text = input.prompt ?? input.message ?? '';
  return typeof text === 'string' ? text : JSON.stringify(text);
}

export function runsTable(cmdTerm: ReturnType<typeof contextOf>['term'], runs: RunView[]): string {
  const ids = cmdTerm.tty ? shortIds(runs.map((r) => r.id)) : runs.map((r) => r.id);
  return renderTable(
    cmdTerm,
    ['Run', 'Kind', 'Status', 'Created', 'Took', 'Question / input'],
    runs.map((r, i) => [ids[i]!, r.kind, statusText(cmdTerm, r.status), dateTime(r.createdAt), between(r.startedAt ?? r.createdAt, r.finishedAt), prompt(r).slice(0, 60)]),
  );
}

function listCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('recent runs, newest first')
    .addOption(new Option('--status <status>', 'only runs in this status').choices(['queued', 'running', 'succeeded', 'failed', 'cancelled']))
    .option('--kind <kind>', 'only runs of this kind, e.g. ask')
    .option('--since <date>', 'only runs created at or after (ISO date, e.g. 2025-01-31)')
    .option('--limit <n>', 'how many (1-100)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('must be an integer between 1 and 100');
      return n;
    }, 20)
    .option('--cursor <cursor>', 'the next page (printed under the list)');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra runs list\n  $ syntra runs list --kind ask --status failed --limit 5\n  $ syntra runs list --json | jq -r ".items[].id"')
    .action(async (opts: { status?: string; kind?: string; since?: string; limit: number; cursor?: string }, self: Command) => {
      const { term, client } = contextOf(self);
      const page = await client.get<{ items: RunView[]; nextCursor: string | null }>('/v1/runs', { status: opts.status, kind: opts.kind, since: opts.since, limit: opts.limit, cursor: opts.cursor });
      if (term.json) return term.printJson(page);
      if (page.items.length === 0) return term.out('No runs yet. Try: syntra ask "why is auth-service crashing"');
      term.out(runsTable(term, page.items));
      if (page.nextCursor) term.out(term.color.dim(`more: syntra runs list --cursor ${page.nextCursor}`));
    });
}

function showCommand(): Command {
  const cmd = new Command('show').description('one run: status, tasks, events and its result').argument('<runId>', 'run id', runIdArg);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra runs show 0190c3e2-7d4a-7b1c-9e2f-1a2b3c4d5e6f\n  $ syntra runs show $RUN --json | jq .run.output')
    .action(async (runId: string, _opts: unknown, self: Command) => {
      const { term, client } = contextOf(self);
      runId = await resolveId(client, 'runs', runId);
      const detail = await client.get<RunDetail>(`/v1/runs/${runId}`);
      if (term.json) return term.printJson(detail);
      const { run } = detail;
      term.out(
        renderFields(term, [
          ['Run', run.id],
          ['Kind', run.kind],
          ['Status', statusText(term, run.status)],
          ['Namespace', run.namespace ?? undefined],
          ['Question', prompt(run) || undefined],
          ['Created', dateTime(run.createdAt)],
          ['Took', between(run.startedAt ?? run.createdAt, run.finishedAt) || undefined],
          ['Error', runErrorText(run.error, run.status)],
        ]),
      );
      if (detail.tasks.length) {
        term.out(renderTable(term, ['Task', 'Status', 'Attempts', 'Took'], detail.tasks.map((t) => [t.taskType, statusText(term, t.status), String(t.attempts), between(t.startedAt, t.finishedAt)])));
      }
      const printer = new RunEventPrinter(term);
      const lines = detail.events.map((e) => printer.line(e)).filter((l): l is string => Boolean(l));
      if (lines.length) term.out(`${term.color.bold('Events')}\n${lines.join('\n')}`);
      if (run.kind === 'ask' && run.output) term.out(renderAnswer(term, run.output as AskAnswer));
      else if (run.output !== null && run.output !== undefined) term.out(`${term.color.bold('Output')}\n${JSON.stringify(run.output, null, 2)}`);
    });
}

function watchCommand(): Command {
  const cmd = new Command('watch').description('follow a run live until it ends (exit 0 if it succeeded, 1 otherwise)').argument('<runId>', 'run id', runIdArg);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nWith --json, prints one ledger event per line (NDJSON), then the final run.\n\nExamples:\n  $ syntra runs watch $RUN\n  $ syntra runs watch $RUN --json | jq -c .type')
    .action(async (runId: string, _opts: unknown, self: Command) => {
      const { term, client } = contextOf(self);
      runId = await resolveId(client, 'runs', runId);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      // Ctrl-C stops watching; the run goes on (cancel it with `syntra runs cancel`).
      process.once('SIGINT', onSigint);
      try {
        const outcome = await followRun(client, term, runId, {
          signal: abort.signal,
          showSteps: !term.json,
          ...(term.json ? { onEvent: (e: RunEvent) => process.stdout.write(`${JSON.stringify(e)}\n`) } : {}),
        });
        if (outcome.interrupted) return;
        if (term.json) process.stdout.write(`${JSON.stringify({ runId, status: outcome.status, output: outcome.answer ?? null, error: outcome.error ?? null })}\n`);
        else if (outcome.status === 'succeeded' && outcome.run && outcome.answer !== undefined) {
          term.out(outcome.run.kind === 'ask' ? renderAnswer(term, outcome.answer, runId) : `${term.color.bold('Output')}\n${JSON.stringify(outcome.run.output, null, 2)}`);
        }
        if (outcome.status !== 'succeeded') throw runFailure(outcome);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

function cancelCommand(): Command {
  const cmd = new Command('cancel').description('cancel a run: queued tasks are dropped, a running step is aborted').argument('<runId>', 'run id', runIdArg).option('--reason <text>', 'why (kept in the run ledger)');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra runs cancel $RUN --reason "asked the wrong question"')
    .action(async (runId: string, opts: { reason?: string }, self: Command) => {
      const { term, client } = contextOf(self);
      runId = await resolveId(client, 'runs', runId);
      const res = await client.post<{ runId: string; status: string }>(`/v1/runs/${runId}/cancel`, opts.reason ? { reason: opts.reason } : {});
      if (term.json) return term.printJson(res);
      term.out(`Run ${res.runId} is ${statusText(term, res.status)}.`);
    });
}

export function runsCommand(): Command {
  return new Command('runs')
    .description('list, show, watch and cancel runs')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(watchCommand())
    .addCommand(cancelCommand())
    .addHelpText('after', '\nExamples:\n  $ syntra runs list\n  $ syntra runs watch <runId>\n  $ syntra runs cancel <runId>');
}
