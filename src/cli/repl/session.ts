import { createInterface, type Interface } from 'node:readline';
import { errorMessage } from '../../domain/errors.js';
import { followRun, submitAsk, type AskRequest, type RunView } from '../ask/ask-flow.js';
import type { ApiClient } from '../client/http.js';
import type { Settings } from '../config/resolve.js';
import { SETTINGS } from '../config/settings.js';
import type { Terminal } from '../output/terminal.js';
import { hintCandidates, missingInfo, renderAnswer } from '../render/answer.js';
import { runsTable } from '../commands/runs.js';
import { historyPath, loadHistory, saveHistory } from './history.js';
import { LineQueue } from './line-queue.js';

/**
 * The interactive session: questions and slash commands, one at a time. Ctrl-C while a question
 * runs cancels it and its run (not the session); when an answer needs more information the
 * session asks for each missing value and asks the question again.
 */
export interface ReplOptions {
  settings: Settings;
  term: Terminal;
  client: ApiClient;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WriteStream;
}

const HELP = `Type a question, e.g.  why is auth-service crashing in production
End a line with \\ to continue on the next one; pasted lines form one question.
  /namespace NS   ask about namespace NS from now on (/namespace alone shows it, /namespace - clears it)
  /runs           the last runs
  /clear          clear the screen
  /help           this help
  /exit           leave (or Ctrl-D)
Ctrl-C cancels the running question and its run.`;

interface Pending {
  request: AskRequest;
  missing: string[];
  answers: Record<string, string>;
}

export async function runRepl(o: ReplOptions): Promise<void> {
  const input = o.input ?? process.stdin;
  const tty = Boolean((input as { isTTY?: boolean }).isTTY) && Boolean(process.stdout.isTTY);
  const { term, client } = o;
  let namespace = o.settings.namespace;
  let pending: Pending | undefined;
  let running: AbortController | undefined;

  const histFile = historyPath(o.settings.env);
  const rl: Interface = createInterface({
    input,
    ...(tty ? { output: o.output ?? process.stdout, terminal: true, history: loadHistory(histFile), historySize: 1000, removeHistoryDuplicates: true } : { terminal: false }),
  });
  const queue = new LineQueue();
  // On a terminal, a line typed while a question runs is dropped: it was never shown (see
  // muteEcho) and must not be asked after the run ends or is cancelled. Piped stdin delivers
  // every line at once, so there lines queue up and run one after another.
  rl.on('line', (l) => {
    if (!(tty && running)) queue.push(l);
  });
  rl.on('close', () => queue.close());
  if (tty) rl.on('history', (h: string[]) => saveHistory(histFile, h));

  const promptText = () => (pending ? `${pending.missing[0]}? ` : `syntra${namespace ? `(${namespace})` : ''}> `);
  const showPrompt = () => {
    if (!tty) return;
    rl.setPrompt(term.color.cyan(promptText()));
    rl.prompt();
  };

  const onInterrupt = () => {
    if (running) {
      running.abort();
      return;
    }
    if (!tty) {
      rl.close();
      process.exitCode = 130;
      return;
    }
    if (pending) {
      pending = undefined;
      term.out(term.color.dim('\n(question dropped)'));
    } else {
      term.out(term.color.dim('\n(Ctrl-C cancels a running question; /exit or Ctrl-D leaves)'));
    }
    rl.write(null, { ctrl: true, name: 'u' });
    showPrompt();
  };
  if (tty) rl.on('SIGINT', onInterrupt);
  else process.on('SIGINT', onInterrupt);

  const ask = async (request: AskRequest) => {
    running = new AbortController();
    const unmute = tty ? muteEcho(rl) : undefined;
    try {
      const runId = await submitAsk(client, request);
      if (!term.json) term.err(term.color.dim(`run ${runId}${request.namespace ? ` in ${request.namespace}` : ''} — Ctrl-C cancels it`));
      const outcome = await followRun(client, term, runId, { signal: running.signal, showSteps: !term.json });
      if (term.json) term.printJson({ runId, status: outcome.status, output: outcome.answer ?? null, error: outcome.error ?? null });
      if (outcome.interrupted) return term.out(term.color.yellow(`Cancelled run ${runId}.`));
      if (outcome.status !== 'succeeded') return term.out(term.color.red(`Run ${runId} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`));
      const missing = missingInfo(outcome.answer);
      if (!term.json) term.out(renderAnswer(term, outcome.answer ?? {}, runId, true));
      if (missing.length) {
        rememberCandidates(outcome.answer ?? {});
        pending = { request, missing: [...missing], answers: {} };
        describeMissing();
      }
    } catch (e) {
      term.out(term.color.red(`error: ${errorMessage(e)}`));
    } finally {
      running = undefined;
      unmute?.();
    }
  };

  const describeMissing = () => {
    if (!pending) return;
    const field = pending.missing[0]!;
    const candidates = lastCandidates.get(field);
    term.out(term.color.yellow(`Which ${field}?${candidates?.length ? ` (${candidates.join(', ')})` : ''} — type it, or an empty line to drop the question`));
  };
  // Candidates of the latest answer, per missing field, for the follow-up prompt.
  const lastCandidates = new Map<string, string[]>();
  const rememberCandidates = (answer: Parameters<typeof hintCandidates>[0]) => {
    lastCandidates.clear();
    for (const f of missingInfo(answer)) lastCandidates.set(f, hintCandidates(answer, f));
  };

  const answerPending = async (text: string) => {
    const p = pending!;
    const value = text.trim();
    if (!value) {
      pending = undefined;
      return term.out(term.color.dim('(question dropped)'));
    }
    p.answers[p.missing.shift()!] = value;
    if (p.missing.length) return describeMissing();
    pending = undefined;
    const { namespace: ns, ...extra } = p.answers;
    await ask({ ...p.request, ...(ns ? { namespace: ns } : {}), extra: { ...p.request.extra, ...extra } });
  };

  const slash = async (line: string): Promise<boolean> => {
    const [name, ...args] = line.slice(1).trim().split(/\s+/);
    switch (name) {
      case 'exit':
      case 'quit':
        return false;
      case 'help':
      case '?':
        term.out(HELP);
        break;
      case 'clear':
        if (tty) console.clear();
        break;
      case 'namespace':
      case 'ns': {
        const arg = args[0];
        if (arg === '-') namespace = undefined;
        else if (arg) {
          try {
            namespace = SETTINGS.namespace.check(arg);
          } catch (e) {
            term.out(term.color.red(errorMessage(e)));
            break;
          }
        }
        term.out(namespace ? `namespace: ${namespace}` : 'namespace: (none — Syntra works it out or asks)');
        break;
      }
      case 'runs': {
        try {
          const page = await client.get<{ items: RunView[] }>('/v1/runs', { limit: 10 });
          term.out(page.items.length ? runsTable(term, page.items) : 'No runs yet.');
        } catch (e) {
          term.out(term.color.red(`error: ${errorMessage(e)}`));
        }
        break;
      }
      default:
        term.out(`unknown command /${name ?? ''} — /help lists them`);
    }
    return true;
  };

  if (tty) {
    term.out(`${term.color.bold('Syntra')} — connected to ${o.settings.endpoint}. Ask a question; /help for commands, /exit to leave.`);
  }
  try {
    for (;;) {
      showPrompt();
      const text = await queue.nextInput({
        pasteWindowMs: tty ? 15 : 0,
        onContinue: () => {
          if (tty) {
            rl.setPrompt(term.color.dim('... '));
            rl.prompt();
          }
        },
      });
      if (text === undefined) break;
      const trimmed = text.trim();
      if (pending) {
        await answerPending(text);
        continue;
      }
      if (!trimmed) continue;
      if (trimmed.startsWith('/')) {
        if (!(await slash(trimmed))) break;
        continue;
      }
      await ask({ prompt: trimmed, ...(namespace ? { namespace } : {}) });
    }
  } finally {
    if (!tty) process.off('SIGINT', onInterrupt);
    rl.close();
  }
}

/**
 * While a question runs, keys typed on the terminal are not echoed (they landed in the spinner's
 * line) and what was typed but not entered is cleared when the run ends, so the next prompt
 * starts empty. readline writes its echo through its `output` only when one is set.
 */
function muteEcho(rl: Interface): () => void {
  const r = rl as unknown as { output: unknown };
  const output = r.output;
  r.output = null;
  return () => {
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
    r.output = output;
  };
}
