import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { SyntraError, isSyntraError, type ErrorCode } from '../../domain/errors.js';
import { validationFailure } from '../validation.js';

/** What a 503 tells clients to wait before retrying; a database that is back serves at once. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The one place where anything thrown in the API becomes `{error: {code, message, details?}}`:
 * SyntraErrors keep their catalogue status; Fastify's own errors (body parsing, size, media type,
 * schema validation) are translated to catalogue codes; a database that cannot be reached is a
 * 503 `unavailable` with Retry-After; everything else is a generic 500 that is logged but never
 * shows its message or stack to the client.
 */
const FASTIFY_CODES: Record<string, (e: FastifyError) => SyntraError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new SyntraError('invalid_json', 'the request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new SyntraError('invalid_json', 'the request body is empty but content-type is application/json'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new SyntraError('payload_too_large', 'the request body is larger than the server accepts'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) =>
    new SyntraError('unsupported_media_type', `unsupported content-type; send application/json (${e.message})`),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new SyntraError('bad_request', 'the content-length header does not match the body'),
  FST_ERR_BAD_URL: () => new SyntraError('bad_request', 'the request URL is malformed'),
};

const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function toSyntraError(e: unknown): SyntraError | undefined {
  // A SyntraError is a deliberate answer (not_ready quotes a driver message, and stays not_ready).
  if (isSyntraError(e)) return e;
  if (isDatabaseUnavailable(e)) return new SyntraError('unavailable', 'the database is unavailable right now; retry shortly', { cause: e });
  const fe = e as Partial<FastifyError>;
  if (Array.isArray(fe.validation)) return validationFailure(fe.validation, fe.validationContext ?? 'request');
  if (typeof fe.code === 'string' && FASTIFY_CODES[fe.code]) return FASTIFY_CODES[fe.code]!(fe as FastifyError);
  // A 4xx raised by Fastify or a plugin that we do not know by code: keep its meaning.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = BY_STATUS[fe.statusCode] ?? 'bad_request';
    return new SyntraError(code, fe.message || code.replace(/_/g, ' '));
  }
  return undefined;
}

async function errorHandling(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toSyntraError(error);
    if (known) {
      // 503s (not ready, dependency down) are expected states, not bugs; keep probes from flooding the log.
      if (known.status >= 500) request.log[known.status === 503 ? 'warn' : 'error']({ err: error }, known.message);
      if (known.status === 503) reply.header('retry-after', RETRY_AFTER_SECONDS);
      return reply.status(known.status).send(known.toBody());
    }
    request.log.error({ err: error }, 'unhandled error');
    const internal = new SyntraError('internal', 'internal server error');
    return reply.status(internal.status).send(internal.toBody());
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const e = new SyntraError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(e.status).send(e.toBody());
  });
}

/** Fastify's errors from before routing (a URL it cannot decode), in the same shape as every other error. */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = toSyntraError(error) ?? new SyntraError('bad_request', 'the request could not be routed');
  void reply.status(known.status).send(known.toBody());
}

/** Not encapsulated: the handlers apply to every route of the app. */
export const errorHandlingPlugin = fp(errorHandling, { name: 'syntra-errors', fastify: '5.x' });
