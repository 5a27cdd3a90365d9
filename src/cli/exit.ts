import { CommanderError } from 'commander';
import { SyntraError } from '../domain/errors.js';

/**
 * Exit codes of every syntra command (documented in `syntra --help`):
 * 0 ok, 1 failure, 2 usage (bad arguments or missing setup), 3 auth (not logged in, bad or
 * expired credentials, permission denied), 4 not found, 5 rate limited, 130 interrupted (Ctrl-C).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, notFound: 4, rateLimited: 5, interrupted: 130 } as const;

export const EXIT_CODES_HELP =
  'Exit codes: 0 ok, 1 failure (incl. server unreachable), 2 usage, 3 auth (login, expired or denied), 4 not found, 5 rate limited, 130 interrupted.';

/** Thrown by a command when the invocation itself is wrong or incomplete; says what to do instead. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const AUTH_CODES = new Set([
  'unauthenticated',
  'invalid_credentials',
  'credentials_expired',
  'credentials_revoked',
  'token_reused',
  'forbidden',
  'read_only_key',
  'account_locked',
]);

export function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof SyntraError) {
    if (e.code === 'config_invalid' || e.code === 'bad_request' || e.code === 'validation_failed') return EXIT.usage;
    if (AUTH_CODES.has(e.code)) return EXIT.auth;
    if (e.code === 'not_found') return EXIT.notFound;
    if (e.code === 'rate_limited' || e.code === 'login_throttled') return EXIT.rateLimited;
    if (e.code === 'cancelled') return EXIT.interrupted;
  }
  return EXIT.failure;
}
