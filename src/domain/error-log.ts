import { redactText } from './secrets/index.js';

/**
 * An error as it may be written to a log: what went wrong and where, never the data it carried.
 * Database errors arrive with the SQL text, the bound parameters (`params`), the failing row
 * (`detail`), the PL/pgSQL context (`where`) and hints quoting values; logging the error object
 * whole wrote password hashes, key hashes and prompts to the server log. This keeps the type,
 * the message (quoted values removed, secrets masked), the SQLSTATE and the names of the schema
 * objects involved, the stack frames and the cause — and drops every other property.
 */
export interface LoggedError {
  type: string;
  message: string;
  code?: string;
  status?: number;
  severity?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
  /** Stack frames only (empty when there are none). */
  stack: string;
  cause?: LoggedError;
  [field: string]: unknown;
}

/** Properties that name things (never hold request data) and are kept as they are. */
const NAMING_FIELDS = ['severity', 'schema', 'table', 'column', 'constraint', 'dataType'] as const;
// PostgreSQL quotes identifiers after these words; any other quoted text in a message is a value.
const IDENTIFIER_BEFORE = /(?:relation|constraint|column|table|index|type|function|schema|database|role|encoding|sequence|trigger|extension|operator|view|domain|collation|parameter|column reference|of relation|cursor|savepoint|channel)\s*$/i;
const SQLSTATE = /^[0-9A-Z]{5}$/;

const isDatabaseError = (e: Record<string, unknown>): boolean => typeof e.code === 'string' && SQLSTATE.test(e.code) && typeof e.severity === 'string';

/** A database message with its quoted values replaced: `invalid input syntax for type uuid: "…"` keeps the type, not the input. */
export function withoutQuotedValues(message: string): string {
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (m, _inner: string, offset: number) => (IDENTIFIER_BEFORE.test(message.slice(0, offset)) ? m : '"[value omitted]"'));
}

export function errorForLog(e: unknown, depth = 0): LoggedError {
  if (!(e instanceof Error)) {
    return { type: typeof e, message: redactText(typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e))).text, stack: '' };
  }
  const fields = e as unknown as Record<string, unknown>;
  const db = isDatabaseError(fields);
  const message = redactText(db ? withoutQuotedValues(e.message) : e.message).text;
  // Frames only: the stack's first line repeats the unscrubbed message.
  const stack = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n');
  const out: LoggedError = { type: e.name || e.constructor.name, message, stack };
  if (typeof fields.code === 'string') out.code = fields.code;
  const status = fields.statusCode ?? fields.status;
  if (typeof status === 'number') out.status = status;
  if (db) for (const k of NAMING_FIELDS) if (typeof fields[k] === 'string') out[k] = fields[k];
  if (e.cause !== undefined && depth < 3) out.cause = errorForLog(e.cause, depth + 1);
  return out;
}
