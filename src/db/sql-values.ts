/**
 * Values crossing into SQL. JSON goes as text with an explicit ::jsonb cast in the query:
 * node-postgres would turn a JS array into a PostgreSQL array, and PGlite serialises
 * parameters its own way, so neither is left to guess.
 */
export function jsonParam(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** UUID syntax check, so a malformed id is "not found" instead of a database error. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_RE.test(s);

/** PGlite and pg both return Date for timestamptz; this keeps the types honest either way. */
export function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

export function toDateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : toDate(v);
}
