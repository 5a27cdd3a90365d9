/**
 * When and how long to wait before another attempt at a model call. Pure functions, so the
 * rules (which statuses retry, how Retry-After is read, backoff with jitter) are unit-testable
 * without a server or a clock.
 */

export interface RetryPolicy {
  /** Total HTTP attempts, the first one included (1 = never retry). */
  maxAttempts: number;
  /** First backoff step; doubled per attempt, with jitter. */
  baseDelayMs: number;
  /** Upper bound of one backoff wait. */
  maxDelayMs: number;
  /**
   * Longest Retry-After we are willing to sleep through. A server asking for more gets a
   * retryable provider_error at once, so the queue (not this call) decides when to come back.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
});

export function compileRetryPolicy(raw: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...raw };
  return {
    maxAttempts: Math.max(1, Math.floor(p.maxAttempts)),
    baseDelayMs: Math.max(0, p.baseDelayMs),
    maxDelayMs: Math.max(0, p.maxDelayMs),
    maxRetryAfterMs: Math.max(0, p.maxRetryAfterMs),
  };
}

/**
 * 408 (request timeout), 409 (conflict, OpenAI uses it for transient lock errors), 429 (rate
 * limit) and every 5xx (incl. Anthropic's 529 "overloaded") are worth another attempt; any
 * other 4xx means the request itself is wrong and would fail the same way again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Reads the server's requested wait: `retry-after-ms` (OpenAI, Azure), else `Retry-After` as
 * delta-seconds (fractions allowed) or an HTTP date. Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: HeaderSource | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries
 * from many workers spread out without ever collapsing to zero wait.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + (step / 2) * random();
}
