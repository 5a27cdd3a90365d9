import { setTimeout as sleep } from 'node:timers/promises';
import { SyntraError } from '../domain/errors.js';
import { backoffDelayMs, isRetryableStatus, type RetryPolicy } from './retry-policy.js';
import { scrubSecrets } from './secret-mask.js';

/**
 * The retry loop shared by all providers. The SDKs run with maxRetries: 0 so this is the only
 * place that decides about another attempt: per-attempt timeout (an AbortSignal), Retry-After
 * honoured up to a cap, backoff with jitter otherwise, an overall deadline, caller cancellation.
 */

/** Why one attempt failed, independent of the SDK that reported it. */
export type AttemptFailure =
  | { kind: 'http'; status: number; message: string; retryAfterMs?: number }
  | { kind: 'connection'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'cancelled'; message: string }
  | { kind: 'invalid_response'; message: string };

export interface CallContext {
  provider: string;
  model: string;
  policy: RetryPolicy;
  timeoutMs: number;
  deadlineMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Secrets to scrub from any error text (the API key). */
  secrets?: ReadonlyArray<string | undefined>;
  random?: () => number;
}

export interface AttemptOutcome<T> {
  value: T;
  attempts: number;
  latencyMs: number;
}

/** Classifies what an attempt threw; `timedOut` tells whether our own attempt timer fired. */
export type FailureClassifier = (err: unknown, timedOut: boolean) => AttemptFailure;

function isRetryable(f: AttemptFailure): boolean {
  if (f.kind === 'http') return isRetryableStatus(f.status);
  return f.kind === 'connection' || f.kind === 'timeout';
}

function describeFailure(f: AttemptFailure): string {
  switch (f.kind) {
    case 'http':
      return `HTTP ${f.status}: ${f.message}`;
    case 'connection':
      return `connection failed: ${f.message}`;
    case 'timeout':
      return f.message;
    case 'cancelled':
      return 'cancelled by caller';
    case 'invalid_response':
      return `invalid response: ${f.message}`;
  }
}

/** Builds the SyntraError a caller sees, naming provider, model, status and retryability. */
export function providerFailureError(
  ctx: Pick<CallContext, 'provider' | 'model' | 'secrets'>,
  failure: AttemptFailure,
  info: { attempts: number; latencyMs: number; retryable: boolean; note?: string | undefined; cause?: unknown },
): SyntraError {
  const code = failure.kind === 'timeout' ? 'timeout' : failure.kind === 'cancelled' ? 'cancelled' : 'provider_error';
  const status = failure.kind === 'http' ? failure.status : undefined;
  const message = scrubSecrets(
    `${ctx.provider} model ${ctx.model}: ${describeFailure(failure)}; ${info.attempts} attempt(s)` +
      `${info.note ? `, ${info.note}` : ''}; ${info.retryable ? 'retryable' : 'not retryable'}`,
    ctx.secrets,
  );
  return new SyntraError(code, message, {
    retryable: info.retryable,
    cause: info.cause,
    details: {
      provider: ctx.provider,
      model: ctx.model,
      kind: failure.kind,
      ...(status === undefined ? {} : { status }),
      attempts: info.attempts,
      latencyMs: Math.round(info.latencyMs),
      retryable: info.retryable,
    },
  });
}

export async function callWithRetries<T>(
  ctx: CallContext,
  attempt: (signal: AbortSignal) => Promise<T>,
  classify: FailureClassifier,
): Promise<AttemptOutcome<T>> {
  const started = performance.now();
  const deadlineAt = ctx.deadlineMs === undefined ? Infinity : started + ctx.deadlineMs;
  const elapsed = () => performance.now() - started;
  const fail = (f: AttemptFailure, attempts: number, retryable: boolean, note?: string, cause?: unknown) =>
    providerFailureError(ctx, f, { attempts, latencyMs: elapsed(), retryable, note, cause });

  for (let n = 1; ; n++) {
    if (ctx.signal?.aborted) throw fail({ kind: 'cancelled', message: 'aborted' }, n - 1, false);
    const attemptTimeout = Math.max(1, Math.min(ctx.timeoutMs, deadlineAt - performance.now()));
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(), attemptTimeout);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timer.signal]) : timer.signal;
    let failure: AttemptFailure;
    let cause: unknown;
    try {
      const value = await attempt(signal);
      return { value, attempts: n, latencyMs: elapsed() };
    } catch (err) {
      cause = err;
      const timedOut = timer.signal.aborted && !ctx.signal?.aborted;
      failure = ctx.signal?.aborted ? { kind: 'cancelled', message: 'aborted' } : classify(err, timedOut);
      if (failure.kind === 'timeout') failure = { kind: 'timeout', message: `no response within ${Math.round(attemptTimeout)} ms` };
    } finally {
      clearTimeout(handle);
    }

    if (failure.kind === 'cancelled') throw fail(failure, n, false, undefined, cause);
    const retryable = isRetryable(failure);
    if (!retryable) throw fail(failure, n, false, undefined, cause);
    if (n >= ctx.policy.maxAttempts) throw fail(failure, n, true, 'giving up', cause);

    let waitMs: number;
    const retryAfterMs = failure.kind === 'http' ? failure.retryAfterMs : undefined;
    if (retryAfterMs !== undefined) {
      if (retryAfterMs > ctx.policy.maxRetryAfterMs) {
        throw fail(failure, n, true, `server asked to retry after ${Math.round(retryAfterMs)} ms, above the ${ctx.policy.maxRetryAfterMs} ms cap`, cause);
      }
      waitMs = retryAfterMs;
    } else {
      waitMs = backoffDelayMs(ctx.policy, n, ctx.random);
    }
    if (performance.now() + waitMs >= deadlineAt) {
      throw fail(failure, n, true, `waiting ${Math.round(waitMs)} ms would pass the ${ctx.deadlineMs} ms deadline`, cause);
    }
    try {
      await sleep(waitMs, undefined, ctx.signal ? { signal: ctx.signal } : undefined);
    } catch (err) {
      throw fail({ kind: 'cancelled', message: 'aborted' }, n, false, undefined, err);
    }
  }
}
