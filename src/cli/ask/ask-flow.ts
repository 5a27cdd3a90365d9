import { SyntraError, isSyntraError } from '../../domain/errors.js';
import type { ApiClient } from '../client/http.js';
import { followRunEvents, type RunEvent } from '../client/sse.js';
import { startProgress } from '../output/spinner.js';
import type { Terminal } from '../output/terminal.js';
import type { AskAnswer } from '../render/answer.js';
import { RunEventPrinter } from '../render/run-events.js';

/**
 * A question from submit to answer, shared by `syntra ask` and the REPL: submit a run of kind
 * `ask`, follow its ledger live (a spinner and one line per step), then fetch the run's output.
 * Aborting the signal (Ctrl-C) cancels the run on the server too.
 */
export interface AskRequest {
  prompt: string;
  namespace?: string;
  /** A registered cluster; omitted: the default cluster. */
  cluster?: string;
  /** Answers to an earlier required_info (e.g. pod_name), passed as input fields. */
  extra?: Record<string, string>;
}

export interface RunView {
  id: string;
  kind: string;
  status: string;
  namespace?: string | null;
  input: unknown;
  output: unknown;
  error: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface AskOutcome {
  runId: string;
  status: string;
  answer?: AskAnswer;
  error?: string;
  /** Stopped by the user (Ctrl-C); the run was cancelled on the server. */
  interrupted?: boolean;
  run?: RunView;
}

export async function submitAsk(client: ApiClient, req: AskRequest): Promise<string> {
  const input: Record<string, unknown> = { prompt: req.prompt, ...req.extra };
  if (req.namespace) input.namespace = req.namespace;
  const res = await client.post<{ runId: string }>('/v1/commands/submit', {
    kind: 'ask',
    input,
    ...(req.namespace ? { namespace: req.namespace } : {}),
    ...(req.cluster ? { cluster: req.cluster } : {}),
  });
  return res.runId;
}

export function runErrorText(error: unknown, status?: string): string | undefined {
  if (error === null || error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const e = error as { message?: unknown; code?: unknown };
  // A cancelled run's error is {code: 'cancelled', message: reason}: the status already says it.
  if (typeof e.message === 'string') return typeof e.code === 'string' && e.code !== status ? `${e.code}: ${e.message}` : e.message;
  return JSON.stringify(error);
}

export interface FollowOptions {
  signal?: AbortSignal;
  /** Print one line per step (text mode); JSON mode only collects. */
  showSteps: boolean;
  onEvent?: (e: RunEvent) => void;
}

/** Events after which a task sits in the queue until a worker slot is free to claim it. */
const WAITING = new Set(['run.queued', 'task.queued', 'task.retrying', 'task.released', 'task.lease_expired']);
const WAITING_TEXT = 'Queued: waiting for a free worker slot…';

/** Follows a run to its end; on abort cancels it. Returns the final status and output. */
export async function followRun(client: ApiClient, term: Terminal, runId: string, options: FollowOptions): Promise<AskOutcome> {
  const printer = new RunEventPrinter(term);
  const progress = options.showSteps ? startProgress(term, WAITING_TEXT) : undefined;
  try {
    for await (const item of followRunEvents(client, runId, {
      ...(options.signal ? { signal: options.signal } : {}),
      onReconnect: (n) => progress?.text(`connection lost, resuming (attempt ${n})…`),
    })) {
      // The final status and output are read from the run itself, below.
      if (item.kind === 'end') break;
      options.onEvent?.(item.event);
      const line = options.showSteps ? printer.line(item.event) : undefined;
      if (line) progress?.line(line);
      const step = (item.event.data as { step?: unknown; taskType?: unknown } | null)?.step;
      if (typeof step === 'string') progress?.text(`${step}…`);
      else if (WAITING.has(item.event.type)) progress?.text(WAITING_TEXT);
      else if (item.event.type === 'task.started') progress?.text('Investigating…');
    }
  } finally {
    progress?.stop();
  }
  if (options.signal?.aborted) {
    await cancelQuietly(client, runId, 'cancelled from the CLI (Ctrl-C)');
    return { runId, status: 'cancelled', error: 'cancelled (Ctrl-C)', interrupted: true };
  }
  const { run } = await client.get<{ run: RunView }>(`/v1/runs/${runId}`);
  const error = runErrorText(run.error, run.status);
  return { runId, run, status: run.status, ...(run.output ? { answer: run.output as AskAnswer } : {}), ...(error ? { error } : {}) };
}

async function cancelQuietly(client: ApiClient, runId: string, reason: string): Promise<void> {
  try {
    await client.post(`/v1/runs/${runId}/cancel`, { reason });
  } catch (e) {
    // Already finished is fine; anything else the user should hear about.
    if (!(isSyntraError(e) && e.code === 'run_finished')) process.stderr.write(`syntra: could not cancel run ${runId}: ${(e as Error).message}\n`);
  }
}

/** The error a finished-but-unsuccessful run turns into (exit 1). */
export function runFailure(outcome: AskOutcome): SyntraError {
  if (outcome.interrupted) return new SyntraError('cancelled', `run ${outcome.runId} was cancelled${outcome.error ? `: ${outcome.error}` : ''}`);
  return new SyntraError('handler_failed', `run ${outcome.runId} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}; see \`syntra runs show ${outcome.runId}\``);
}
