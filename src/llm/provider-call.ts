import { inSpan } from '../telemetry/spans.js';
import type { SyntraError } from '../domain/errors.js';
import { callWithRetries, providerFailureError, type CallContext, type FailureClassifier } from './call-with-retries.js';
import type { ChatOptions, ChatRequest, ChatResponse } from './provider.js';
import { compileRetryPolicy, type RetryPolicy } from './retry-policy.js';

/**
 * What every SDK-backed provider does around its wire translation: the retry policy and
 * per-attempt timeout it was configured with, one SDK call under callWithRetries (the SDK never
 * retries itself), an invalid-response error that names the attempts made, and the fields of a
 * ChatResponse that describe the call rather than the answer.
 */

export type JsonObject = Record<string, unknown>;
export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A token count from a usage object; anything but a finite number counts as 0. */
export const tokenCount = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The options both official SDKs take per request. */
export interface SdkRequestOptions {
  signal: AbortSignal;
  maxRetries: 0;
  timeout: number;
}

export interface ProviderCallerOptions {
  name: string;
  /** Scrubbed from every error text. */
  apiKey: string | undefined;
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  classify: FailureClassifier;
}

/** The answer-specific part of a ChatResponse, filled in by the provider from the body. */
export type AnswerFields = Pick<ChatResponse, 'text' | 'toolCalls' | 'stopReason' | 'rawStopReason' | 'usage'>;

export interface ProviderCall {
  /** The parsed body the SDK returned, not yet checked. */
  body: unknown;
  /** A non-retryable invalid_response failure of this call. */
  invalid(message: string): SyntraError;
  /** The full ChatResponse: the answer plus latency, attempts, model names and provider. */
  respond(answer: AnswerFields, servedModel: unknown): ChatResponse;
}

export class ProviderCaller {
  readonly name: string;
  /** Per-attempt default; also the SDK client's own timeout. */
  readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly apiKey: string | undefined;
  private readonly classify: FailureClassifier;

  constructor(options: ProviderCallerOptions) {
    this.name = options.name;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.policy = compileRetryPolicy(options.retry);
    this.apiKey = options.apiKey;
    this.classify = options.classify;
  }

  async call(req: ChatRequest, opts: ChatOptions, send: (options: SdkRequestOptions) => Promise<unknown>): Promise<ProviderCall> {
    const ctx: CallContext = {
      provider: this.name,
      model: req.model,
      policy: this.policy,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      deadlineMs: opts.deadlineMs,
      signal: opts.signal,
      secrets: [this.apiKey],
    };
    const outcome = await inSpan(
      `chat ${req.model}`,
      { 'gen_ai.system': this.name, 'gen_ai.request.model': req.model, 'gen_ai.operation.name': 'chat' },
      () =>
        callWithRetries(
          ctx,
          // The SDK's own timer is a backstop; ours (the signal) also covers reading the body.
          (signal) => send({ signal, maxRetries: 0, timeout: ctx.timeoutMs + 1_000 }),
          this.classify,
        ),
      null,
      'client',
    );
    return {
      body: outcome.value,
      invalid: (message) =>
        providerFailureError(ctx, { kind: 'invalid_response', message }, { attempts: outcome.attempts, latencyMs: outcome.latencyMs, retryable: false }),
      respond: (answer, servedModel) => ({
        ...answer,
        latencyMs: Math.round(outcome.latencyMs),
        attempts: outcome.attempts,
        model: req.model,
        ...(typeof servedModel === 'string' && servedModel ? { servedModel } : {}),
        provider: this.name,
      }),
    };
  }
}
