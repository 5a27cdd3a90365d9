import { SyntraError, errorMessage, isSyntraError } from '../domain/errors.js';
import type { ChatMessage, ChatOptions, ChatRequest, ChatResponse, ModelProvider, TokenUsage, ToolCall } from './provider.js';
import { sumUsage } from './usage.js';

/**
 * The bounded tool-calling loop: the model asks for tools, we run them and send the results
 * back, until it answers in plain text or the step budget is spent. Tool failures, unknown
 * tools and unparseable arguments go back to the model as error results instead of crashing
 * the run, so it can correct itself within the same budget. The conversation it returns is one
 * the APIs accept for a follow-up turn: calls left when the budget runs out are answered as not run.
 */

export type ToolHandler = (args: unknown, signal: AbortSignal) => Promise<unknown>;

/** One executed tool call, reported through onStep (and meant for the ledger). */
export interface ToolStep {
  /** 1-based round of the loop (one model turn may request several tools). */
  step: number;
  toolCallId: string;
  tool: string;
  arguments: unknown;
  durationMs: number;
  /** UTF-8 size of the full result text sent back (before truncation). */
  resultBytes: number;
  ok: boolean;
  error?: string;
}

export interface ToolLoopOptions extends ChatOptions {
  /** Maximum rounds that execute tools; the model is called at most maxSteps + 1 times. */
  maxSteps: number;
  onStep?: (step: ToolStep) => void | Promise<void>;
  /** Every model response, for token/latency accounting in the ledger. */
  onModelCall?: (res: ChatResponse) => void | Promise<void>;
  /** Per tool execution; a tool that ignores its signal is still abandoned after this. Default 30 s. */
  toolTimeoutMs?: number;
  /** Tool results longer than this are truncated before going back to the model. Default 16 000. */
  maxResultChars?: number;
}

export interface ToolLoopResult {
  /** The model's final answer, or a message saying the step budget ran out. */
  text: string;
  finished: boolean;
  stopReason: 'final_answer' | 'max_steps';
  steps: ToolStep[];
  responses: ChatResponse[];
  usage: TokenUsage;
  latencyMs: number;
  /** The whole conversation (for a follow-up turn or for the report). */
  messages: ChatMessage[];
}

function resultText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value ?? null) ?? 'null';
}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, parent?: AbortSignal): Promise<T> {
  const timer = new AbortController();
  const signal = parent ? AbortSignal.any([parent, timer.signal]) : timer.signal;
  let handle: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    handle = setTimeout(() => {
      timer.abort();
      reject(new SyntraError('timeout', `tool did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(signal), expired]);
  } finally {
    clearTimeout(handle);
  }
}

async function runOne(
  call: ToolCall,
  tools: Record<string, ToolHandler>,
  opts: ToolLoopOptions,
): Promise<{ content: string; ok: boolean; error?: string }> {
  if (call.argumentsError) return { content: `error: ${call.argumentsError.message}. Send the arguments as a JSON object.`, ok: false, error: call.argumentsError.message };
  const handler = Object.hasOwn(tools, call.name) ? tools[call.name] : undefined;
  if (!handler) {
    const error = `unknown tool "${call.name}"; available: ${Object.keys(tools).join(', ') || 'none'}`;
    return { content: `error: ${error}`, ok: false, error };
  }
  try {
    const value = await withTimeout((signal) => handler(call.arguments, signal), opts.toolTimeoutMs ?? 30_000, opts.signal);
    return { content: resultText(value), ok: true };
  } catch (err) {
    if (opts.signal?.aborted) throw new SyntraError('cancelled', `tool loop cancelled while running ${call.name}`, { cause: err });
    const error = isSyntraError(err) ? `${err.code}: ${err.message}` : errorMessage(err);
    return { content: `error: ${error}`, ok: false, error };
  }
}

export async function runToolLoop(
  provider: ModelProvider,
  req: ChatRequest,
  tools: Record<string, ToolHandler>,
  opts: ToolLoopOptions,
): Promise<ToolLoopResult> {
  const maxSteps = Math.max(0, Math.floor(opts.maxSteps));
  const maxChars = opts.maxResultChars ?? 16_000;
  const chatOpts: ChatOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs, deadlineMs: opts.deadlineMs };
  const messages: ChatMessage[] = [...req.messages];
  const steps: ToolStep[] = [];
  const responses: ChatResponse[] = [];
  const finish = (text: string, finished: boolean): ToolLoopResult => ({
    text,
    finished,
    stopReason: finished ? 'final_answer' : 'max_steps',
    steps,
    responses,
    usage: sumUsage(responses),
    latencyMs: responses.reduce((t, r) => t + r.latencyMs, 0),
    messages,
  });

  for (let round = 1; ; round++) {
    const res = await provider.chat({ ...req, messages }, chatOpts);
    responses.push(res);
    await opts.onModelCall?.(res);
    messages.push({ role: 'assistant', content: res.text, ...(res.toolCalls.length ? { toolCalls: res.toolCalls } : {}) });
    if (res.toolCalls.length === 0) return finish(res.text, true);
    if (round > maxSteps) {
      // Every API refuses a tool call left unanswered in a later turn: answer each, unrun.
      for (const call of res.toolCalls) {
        messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: `not run: the tool step budget (${maxSteps}) is spent; answer with the evidence you have`, isError: true });
      }
      const partial = res.text.trim() ? ` Last model text: ${res.text.trim()}` : '';
      return finish(`Stopped after ${maxSteps} tool step(s) without a final answer; the model still wanted to call ${res.toolCalls.map((c) => c.name).join(', ')}.${partial}`, false);
    }
    for (const call of res.toolCalls) {
      const started = performance.now();
      const outcome = await runOne(call, tools, opts);
      const full = outcome.content;
      const content = full.length > maxChars ? `${full.slice(0, maxChars)}…[truncated ${full.length - maxChars} chars]` : full;
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content, ...(outcome.ok ? {} : { isError: true }) });
      const step: ToolStep = {
        step: round,
        toolCallId: call.id,
        tool: call.name,
        arguments: call.argumentsError ? call.rawArguments : call.arguments,
        durationMs: Math.round(performance.now() - started),
        resultBytes: Buffer.byteLength(full, 'utf8'),
        ok: outcome.ok,
        ...(outcome.error ? { error: outcome.error } : {}),
      };
      steps.push(step);
      await opts.onStep?.(step);
    }
  }
}
