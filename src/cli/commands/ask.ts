import { Command } from 'commander';
import { UsageError } from '../exit.js';
import { followRun, runFailure, submitAsk } from '../ask/ask-flow.js';
import { contextOf, withClientOptions, withNamespaceOption } from '../context.js';
import { renderAnswer } from '../render/answer.js';
import { offerProposedActions } from '../ask/offer-actions.js';
import { ask as askQuestion } from '../prompt/prompt.js';

const HELP = `
Follows the investigation live (one line per agent step), then prints the diagnosis:
root cause, confidence, evidence and remediation commands you can copy (commands that
change the cluster are marked as needing approval), and similar past incidents.

When the question lacks something (e.g. which namespace), the answer says what is missing
and lists the candidates; that is an answer, so the exit code is 0 (--json: "required_info").
Ctrl-C stops following AND cancels the run (exit 130).

When the diagnosis proposes actions and an executor serves them, and you may approve them,
each is offered at the end ("approve 1? [y/N]") — only on a terminal, never in a script.

Examples:
  $ syntra ask "why is auth-service crashing in production"
  $ syntra ask "diagnose pod auth-service" -n production
  $ syntra ask "why is auth-service crashing" --cluster prod-eu -n production
  $ syntra ask "what does CrashLoopBackOff mean" --json | jq .output.answer
  $ RUN=$(syntra ask "investigate payments" --no-wait) && syntra runs watch $RUN`;

export function askCommand(): Command {
  const cmd = new Command('ask')
    .description('ask Syntra about your cluster and watch the investigation happen')
    .argument('<question...>', 'the question, e.g. "why is auth-service crashing in production"')
    .option('--no-wait', 'submit and print the run id without following it')
    .option('--cluster <name>', 'a registered cluster (env SYNTRA_CLUSTER, or `syntra clusters use`); default: the default cluster');
  withNamespaceOption(cmd);
  withClientOptions(cmd);
  return cmd.addHelpText('after', HELP).action(async (words: string[], opts: { wait: boolean }, self: Command) => {
    const prompt = words.join(' ').trim();
    if (!prompt) throw new UsageError('the question is empty: syntra ask "why is auth-service crashing"');
    const { settings, term, client } = contextOf(self);
    const runId = await submitAsk(client, { prompt, ...(settings.namespace ? { namespace: settings.namespace } : {}), ...(settings.cluster ? { cluster: settings.cluster } : {}) });
    if (!opts.wait) {
      if (term.json) term.printJson({ runId });
      else term.out(runId);
      return;
    }
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      if (!term.json) term.err(term.color.dim(`run ${runId} — Ctrl-C cancels it`));
      const outcome = await followRun(client, term, runId, { signal: abort.signal, showSteps: !term.json });
      if (term.json) term.printJson({ runId, status: outcome.status, output: outcome.answer ?? null, error: outcome.error ?? null });
      if (outcome.status !== 'succeeded') throw runFailure(outcome);
      if (!term.json) term.out(renderAnswer(term, outcome.answer ?? {}, runId));
      const proposed = (outcome.answer as { proposedActions?: Array<{ id?: string }> } | undefined)?.proposedActions ?? [];
      await offerProposedActions({ client, term, runId, ctx: { stdinTTY: Boolean(process.stdin.isTTY), stdoutTTY: term.tty, json: term.json }, question: (q) => askQuestion(q, { what: 'answer' }) }, proposed);
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}
