/**
 * Whether an error means "the database cannot be reached right now" — refused, reset, timed out,
 * terminated by the server, shutting down — rather than "this query is wrong". The API answers
 * the first kind with 503 and Retry-After (the request may well succeed a moment later) and only
 * the second with 500.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** SQLSTATEs of a server that is going away, not yet accepting, or full; class 08 is "connection exception". */
const SERVER_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres and PGlite say these in words, without a code. */
const MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /Cannot use a pool after calling end on the pool/,
  /^PGlite is closed/,
];

export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (depth > 5 || e === null || typeof e !== 'object') return false;
  const { code, message, cause, errors } = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_STATES.has(code) || /^08/.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  // Node's happy-eyeballs connect reports every address tried in an AggregateError.
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
