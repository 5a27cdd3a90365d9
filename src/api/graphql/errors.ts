import { GraphQLError, type ExecutionResult } from './graphql-js.js';
import mercurius, { type MercuriusContext } from 'mercurius';
import { SyntraError } from '../../domain/errors.js';
import { toSyntraError } from '../plugins/errors.js';

/**
 * Every GraphQL error carries a catalogue code in `extensions.code` (and `details` when the REST
 * error would have them): SyntraErrors keep theirs, document and argument errors are
 * `validation_failed`, limits are `query_too_complex`, and anything unexpected is a logged
 * `internal` whose message and stack stay on the server.
 */
function withCode(error: GraphQLError, log: MercuriusContext['reply']['log'] | undefined): GraphQLError {
  if (typeof error.extensions?.code === 'string') return error;
  const original = error.originalError;
  // mercurius' own wrapper of document validation errors: flattened by the default formatter.
  if (original && Array.isArray((original as { errors?: unknown }).errors)) return error;
  const known = original ? toSyntraError(original) : undefined;
  const options = { ...(error.nodes ? { nodes: error.nodes } : {}), ...(error.source ? { source: error.source } : {}), ...(error.positions ? { positions: error.positions } : {}), ...(error.path ? { path: error.path } : {}) };
  if (known) {
    return new GraphQLError(known.message, { ...options, extensions: { code: known.code, ...(known.details === undefined ? {} : { details: known.details }) } });
  }
  // Outside field execution (no path): the request itself is wrong (a variable of the wrong type…).
  if (!original || error.path === undefined) return new GraphQLError(error.message, { ...options, extensions: { code: 'validation_failed' } });
  log?.error({ err: original }, 'unhandled error in a GraphQL resolver');
  const internal = new SyntraError('internal', 'internal server error');
  return new GraphQLError(internal.message, { ...options, extensions: { code: internal.code } });
}

type Formatted = { statusCode: number; response: ExecutionResult & { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };

export function errorFormatter(execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>, context: MercuriusContext): Formatted {
  const log = context.reply?.log;
  const errors = execution.errors.map((e) => withCode(e, log));
  const formatted = mercurius.defaultErrorFormatter({ ...execution, errors }, context) as unknown as Formatted;
  for (const e of formatted.response.errors ?? []) {
    if (typeof e.extensions?.code !== 'string') e.extensions = { ...e.extensions, code: 'validation_failed' };
  }
  return formatted;
}

/**
 * For errors mercurius sends without the formatter (a subscription refused at its start): the
 * catalogue code goes on the error itself, and graphql-js keeps an original error's extensions.
 */
export function coded(e: unknown): unknown {
  const known = toSyntraError(e);
  if (!known) return e;
  return new GraphQLError(known.message, { extensions: { code: known.code, ...(known.details === undefined ? {} : { details: known.details }) } });
}
