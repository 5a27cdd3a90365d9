import { Command, InvalidArgumentError, Option } from 'commander';
import { AGENTS } from '../../agents/catalogue.js';
import { withoutRule, withRule } from '../../control-plane/control-registry/routing.js';
import type { RoutingRule } from '../../control-plane/control-registry/schemas.js';
import { SyntraError } from '../../domain/errors.js';
import { INTENTS } from '../../investigator/planner/plan.js';
import { CONFIGURED_PROVIDER } from '../../llm/provider.js';
import type { ApiClient } from '../client/http.js';
import { contextOf, withClientOptions } from '../context.js';
import { UsageError } from '../exit.js';
import { renderTable } from '../output/table.js';

/**
 * `syntra control routes list|set|remove` — which model serves which agent step. Each command
 * reads the effective rules (GET /v1/control/snapshot) and writes the whole set back through
 * POST /v1/control/routing-rules/update with the version it read, so a change someone else made
 * meanwhile is never silently undone (the write is refused and redone on the newer set).
 */
type Match = RoutingRule['match'];

/** The steps that ask a model, and the intents a rule may narrow them to. */
const TASKS = [...new Set(AGENTS.flatMap((a) => (a.routeQuery ? [a.routeQuery.taskType] : [])))];
const ROUTE_INTENTS = [...new Set([...AGENTS.flatMap((a) => (a.routeQuery?.intent ? [a.routeQuery.intent] : [])), ...INTENTS])];
const MAX_ATTEMPTS = 3;

const matchText = (m: Match) => `${m.taskType ?? 'any task'}${m.intent ? ` (intent ${m.intent})` : ''}`;
const providerText = (p: string) => (p === CONFIGURED_PROVIDER ? `${p} (SYNTRA_LLM_PROVIDER)` : p);
const targetText = (t: RoutingRule['target']) => (t.model ? `${t.provider}/${t.model}` : `${t.provider} (its configured model)`);

function number(what: string, integer: boolean, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`${what} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return n;
  };
}

interface MatchOptions {
  task?: string;
  intent?: string;
  reason: string;
}

function matchOf(opts: MatchOptions): Match {
  if (!opts.task && !opts.intent) throw new UsageError('name the requests the rule is for: --task or --intent (or both). `syntra control routes list` shows the rules.');
  return { ...(opts.task ? { taskType: opts.task } : {}), ...(opts.intent ? { intent: opts.intent } : {}) };
}

function withMatchOptions(cmd: Command): Command {
  return withClientOptions(
    cmd
      .addOption(new Option('--task <type>', 'the agent step the rule is for').choices(TASKS))
      .addOption(new Option('--intent <intent>', 'only for requests of this intent').choices(ROUTE_INTENTS))
      .requiredOption('--reason <text>', 'why (kept in the change log and audit trail)'),
  );
}

/** Reads the rules, derives the new set, writes it at the version read; redone when another change landed meanwhile. */
async function changeRules<T>(client: ApiClient, reason: string, derive: (rules: RoutingRule[]) => { rules: RoutingRule[]; result: T }): Promise<{ version: number; result: T }> {
  for (let attempt = 1; ; attempt++) {
    const snap = await client.get<{ version: number; routingRules: RoutingRule[] }>('/v1/control/snapshot');
    const { rules, result } = derive(snap.routingRules);
    try {
      const res = await client.post<{ version: number }>('/v1/control/routing-rules/update', { rules, expectedVersion: snap.version, reason });
      return { version: res.version, result };
    } catch (e) {
      if (!(e instanceof SyntraError && e.code === 'conflict') || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}

function listCommand(): Command {
  return withClientOptions(new Command('list').description('the routing rules in force: which model serves which step'))
    .addHelpText('after', '\nExamples:\n  $ syntra control routes list\n  $ syntra control routes list --json')
    .action(async (_opts: unknown, self: Command) => {
      const { term, client } = contextOf(self);
      const snap = await client.get<{ version: number; routingRules: RoutingRule[] }>('/v1/control/snapshot');
      if (term.json) return term.printJson({ version: snap.version, rules: snap.routingRules });
      if (!snap.routingRules.length) return term.out(`No routing rules (control version ${snap.version}): every step runs rules-only.`);
      const rows = snap.routingRules.map((r) => [
        r.match.taskType ?? 'any',
        r.match.intent ?? 'any',
        String(r.priority ?? 0),
        providerText(r.target.provider),
        r.target.model ?? 'its configured model',
        r.target.params ? Object.entries(r.target.params).map(([k, v]) => `${k}=${v}`).join(' ') : '',
      ]);
      term.out(renderTable(term, ['Task', 'Intent', 'Priority', 'Provider', 'Model', 'Params'], rows));
      term.out(term.color.dim(`control version ${snap.version}; a step asks its model only when the rules are below the arbiter threshold`));
    });
}

interface SetOptions extends MatchOptions {
  provider: string;
  model?: string;
  priority?: number;
  temperature?: number;
  maxTokens?: number;
  timeoutMs?: number;
}

function setCommand(): Command {
  const cmd = new Command('set')
    .description('route a step to a model (replaces the rule of the same --task/--intent)')
    .requiredOption('--provider <name>', `provider: openai, anthropic, moonshot, ollama, vllm, or ${CONFIGURED_PROVIDER} (the one SYNTRA_LLM_PROVIDER configures)`)
    .option('--model <name>', "model name (default: the provider's configured model)")
    .option('--priority <n>', 'higher wins over more specific rules (default 0)', number('--priority', true, -1000, 1000))
    .option('--temperature <t>', 'sampling temperature', number('--temperature', false, 0, 2))
    .option('--max-tokens <n>', 'longest answer in tokens', number('--max-tokens', true, 1, 1_000_000))
    .option('--timeout-ms <ms>', 'budget of one model consultation', number('--timeout-ms', true, 100, 600_000));
  return withMatchOptions(cmd)
    .addHelpText('after', '\nExamples:\n  $ syntra control routes set --task analyze --provider openai --model gpt-4o --reason "larger model for analysis"\n  $ syntra control routes set --task plan --intent plan --provider default --reason "let the model read requests"')
    .action(async (opts: SetOptions, self: Command) => {
      const { term, client } = contextOf(self);
      const match = matchOf(opts);
      const params = {
        ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
        ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      };
      const rule: RoutingRule = {
        match,
        target: { provider: opts.provider, ...(opts.model ? { model: opts.model } : {}), ...(Object.keys(params).length ? { params } : {}) },
        priority: opts.priority ?? 0,
      };
      const { version } = await changeRules(client, opts.reason, (rules) => ({ rules: withRule(rules, rule), result: undefined }));
      if (term.json) return term.printJson({ version, rule });
      term.out(`Routing rule set: ${matchText(match)} → ${targetText(rule.target)} (control version ${version}). Workers pick it up without a restart.`);
    });
}

function removeCommand(): Command {
  return withMatchOptions(new Command('remove').description('stop routing a step to a model (that step runs rules-only)'))
    .addHelpText('after', '\nExamples:\n  $ syntra control routes remove --task analyze --reason "rules-only during the incident review"')
    .action(async (opts: MatchOptions, self: Command) => {
      const { term, client } = contextOf(self);
      const match = matchOf(opts);
      const { version, result: removed } = await changeRules(client, opts.reason, (rules) => {
        const next = withoutRule(rules, match);
        if (!next.removed.length) throw new SyntraError('not_found', `there is no routing rule for ${matchText(match)}; \`syntra control routes list\` shows the rules`);
        return { rules: next.rules, result: next.removed };
      });
      if (term.json) return term.printJson({ version, removed });
      term.out(`Removed the routing rule for ${matchText(match)} (control version ${version}). Workers pick it up without a restart.`);
    });
}

export function routesCommand(): Command {
  return new Command('routes')
    .description('which model serves which agent step: list, set, remove')
    .addCommand(listCommand())
    .addCommand(setCommand())
    .addCommand(removeCommand())
    .addHelpText('after', '\nExamples:\n  $ syntra control routes list\n  $ syntra control routes set --task analyze --provider openai --model gpt-4o --reason "larger model"\n  $ syntra control routes remove --task analyze --reason "rules-only"');
}
