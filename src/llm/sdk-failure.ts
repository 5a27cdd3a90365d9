import type { AttemptFailure, FailureClassifier } from './call-with-retries.js';
import { parseRetryAfter } from './retry-policy.js';

/**
 * Both official SDKs (openai, @anthropic-ai/sdk) share one error hierarchy shape: APIError
 * with status and headers, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError.
 * Each provider passes its SDK's classes; this maps them to an AttemptFailure.
 */

type ErrorClass = abstract new (...args: never[]) => Error;

export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

/** Finds a system error code (ECONNREFUSED, ENOTFOUND, …) in the cause chain of a fetch failure. */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    if (typeof code === 'string' && code.startsWith('UND_ERR')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The server's own message: OpenAI's SDK keeps `{message}` in `error`, Anthropic's keeps the
 * envelope `{type, error: {message}}`; else the SDK message minus its leading status.
 */
function serverMessage(err: Error, status: number): string {
  const body = (err as { error?: unknown }).error;
  const inner = typeof body === 'object' && body !== null ? ((body as { error?: unknown }).error ?? body) : undefined;
  const fromBody = typeof inner === 'object' && inner !== null ? (inner as { message?: unknown }).message : undefined;
  const text = typeof fromBody === 'string' && fromBody ? fromBody : err.message.replace(new RegExp(`^${status}\\s*`), '').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || 'no message';
}

export function sdkFailureClassifier(sdk: SdkErrorClasses): FailureClassifier {
  return (err: unknown, timedOut: boolean): AttemptFailure => {
    if (timedOut || err instanceof sdk.APIConnectionTimeoutError) return { kind: 'timeout', message: 'timed out' };
    if (err instanceof sdk.APIUserAbortError) return { kind: 'cancelled', message: 'aborted' };
    if (err instanceof sdk.APIConnectionError) {
      const code = networkCode(err);
      return { kind: 'connection', message: code ? `${code} (${err.message})` : err.message };
    }
    if (err instanceof sdk.APIError) {
      const { status, headers } = err as Error & { status?: unknown; headers?: Headers };
      if (typeof status === 'number') {
        const retryAfterMs = parseRetryAfter(headers);
        return { kind: 'http', status, message: serverMessage(err, status), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      }
      return { kind: 'connection', message: err.message };
    }
    // A 2xx whose body claims to be JSON but is not: the SDK's response.json() throws.
    if (err instanceof SyntaxError) return { kind: 'invalid_response', message: `body is not valid JSON (${err.message})` };
    const code = networkCode(err);
    if (code) return { kind: 'connection', message: code };
    return { kind: 'invalid_response', message: err instanceof Error ? err.message : String(err) };
  };
}
