import { ERROR_CATALOGUE, SyntraError, errorMessage, type ErrorCode } from '../../domain/errors.js';
import type { Credential } from '../config/resolve.js';

/**
 * Turns what went wrong talking to the API into a SyntraError whose message says what happened
 * and what to do; its code decides the exit code (src/cli/exit.ts).
 */
export interface ErrorContext {
  endpoint: string;
  credential: Credential;
  method: string;
  path: string;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

const isCode = (c: unknown): c is ErrorCode => typeof c === 'string' && c in ERROR_CATALOGUE;

function describeCredential(c: Credential): string {
  if (c.kind === 'session') return `the login session of ${c.session.email}`;
  if (c.kind === 'key') return `the API key${c.source === 'flag' ? ' from --api-key' : c.origin ? ` from ${c.origin}` : ''}`;
  return 'no credentials';
}

const LOGIN_HINT = 'run `syntra login` (email and password) or `syntra login --api-key sk_…`';

export function unreachable(ctx: ErrorContext, cause: unknown): SyntraError {
  const reason = errorMessage((cause as { cause?: unknown }).cause ?? cause);
  return new SyntraError(
    'server_unreachable',
    `cannot reach the Syntra API at ${ctx.endpoint} (${reason}).\n` +
      '  Is `syntra up` running? Start it in another terminal, or point the CLI elsewhere with\n' +
      '  --endpoint URL, SYNTRA_ENDPOINT or `syntra config set endpoint URL`.',
    { cause },
  );
}

export function retryAfterText(seconds: number): string {
  const at = new Date(Date.now() + seconds * 1000);
  return `retry in ${seconds}s (after ${at.toLocaleTimeString()})`;
}

export function httpError(ctx: ErrorContext, status: number, body: unknown, headers: Headers): SyntraError {
  const e = (body as ErrorBody | undefined)?.error;
  const serverMessage = e?.message ?? `HTTP ${status}`;
  const details = e?.details;
  const code: ErrorCode = isCode(e?.code) ? e.code : status === 404 ? 'not_found' : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 429 ? 'rate_limited' : status >= 500 ? 'internal' : 'bad_request';
  const opts = details === undefined ? {} : { details };

  if (status === 401) {
    if (ctx.credential.kind === 'none') return new SyntraError(code, `not logged in to ${ctx.endpoint}: ${LOGIN_HINT}`, opts);
    const what = describeCredential(ctx.credential);
    const reason =
      code === 'credentials_expired' ? 'has expired' : code === 'credentials_revoked' ? 'was revoked' : code === 'token_reused' ? 'was ended for safety (refresh token reuse)' : 'was rejected';
    return new SyntraError(code, `${what} ${reason} by ${ctx.endpoint} (${serverMessage}): ${LOGIN_HINT}`, opts);
  }
  if (status === 403) {
    const permission = (details as { permission?: string } | undefined)?.permission;
    if (code === 'read_only_key') return new SyntraError(code, `${serverMessage} (sk_test_ keys can only read)`, opts);
    const needs = permission ? `this needs the permission ${permission}, which ${describeCredential(ctx.credential)} does not have` : serverMessage;
    return new SyntraError(code, `permission denied: ${needs}. Ask an admin for a role or key that has it (\`syntra keys create --permission ${permission ?? '…'}\`).`, opts);
  }
  if (status === 429 || code === 'rate_limited' || code === 'login_throttled') {
    const raw = Number(headers.get('retry-after') ?? (details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds);
    const when = Number.isFinite(raw) && raw > 0 ? retryAfterText(Math.ceil(raw)) : 'retry in a minute';
    return new SyntraError(code === 'login_throttled' ? code : 'rate_limited', `rate limited by ${ctx.endpoint}: ${serverMessage}; ${when}`, opts);
  }
  if (status === 423) return new SyntraError(code, `${serverMessage}; ${retryAfterText(Number(headers.get('retry-after')) || 60)}`, opts);
  if (status >= 500) return new SyntraError(code, `the API at ${ctx.endpoint} failed on ${ctx.method} ${ctx.path}: ${serverMessage}`, opts);
  return new SyntraError(code, serverMessage, opts);
}
