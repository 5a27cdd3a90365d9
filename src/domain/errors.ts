/**
 * The one error catalogue. Every error that crosses a boundary (HTTP, CLI, queue) is a
 * SyntraError with a stable code; the HTTP status and retryability live here, not at call sites.
 */
export const ERROR_CATALOGUE = {
  bad_request: { status: 400, retryable: false },
  validation_failed: { status: 400, retryable: false },
  invalid_json: { status: 400, retryable: false },
  unauthenticated: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  invalid_credentials: { status: 401, retryable: false },
  credentials_expired: { status: 401, retryable: false },
  credentials_revoked: { status: 401, retryable: false },
  token_reused: { status: 401, retryable: false },
  read_only_key: { status: 403, retryable: false },
  account_locked: { status: 423, retryable: true },
  login_throttled: { status: 429, retryable: true },
  not_found: { status: 404, retryable: false },
  method_not_allowed: { status: 405, retryable: false },
  conflict: { status: 409, retryable: false },
  lease_lost: { status: 409, retryable: false },
  run_finished: { status: 409, retryable: false },
  /** The client does not accept any answer the route can give (an MCP client must accept JSON and SSE). */
  not_acceptable: { status: 406, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  rate_limited: { status: 429, retryable: true },
  /** A GraphQL operation deeper or costlier than the server's limits. */
  query_too_complex: { status: 400, retryable: false },
  internal: { status: 500, retryable: true },
  not_ready: { status: 503, retryable: true },
  /** A dependency (the database) cannot be reached right now: retry after the Retry-After header. */
  unavailable: { status: 503, retryable: true },
  bus_unavailable: { status: 503, retryable: true },
  timeout: { status: 504, retryable: true },
  cancelled: { status: 499, retryable: false },
  handler_failed: { status: 500, retryable: true },
  unknown_kind: { status: 400, retryable: false },
  cluster_unreachable: { status: 502, retryable: true },
  cluster_forbidden: { status: 403, retryable: false },
  no_kubeconfig: { status: 400, retryable: false },
  evidence_unreadable: { status: 400, retryable: false },
  provider_error: { status: 502, retryable: true },
  provider_invalid_output: { status: 502, retryable: false },
  provider_not_configured: { status: 503, retryable: false },
  config_invalid: { status: 500, retryable: false },
  /** A client (the CLI) could not reach the API at all: connection refused, DNS, TLS. */
  server_unreachable: { status: 503, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class SyntraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyntraError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.retryable = options.retryable ?? ERROR_CATALOGUE[code].retryable;
    this.details = options.details;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export const isSyntraError = (e: unknown): e is SyntraError => e instanceof SyntraError;

/** A human message for anything thrown, without leaking stack traces. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : JSON.stringify(e);
}
