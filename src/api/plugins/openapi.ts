import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { markRoutesPublic } from '../permissions.js';
import { RETRY_AFTER_SECONDS } from './errors.js';

/** Liveness routes touch nothing that can be down, so they never answer 503. */
const NO_DEPENDENCIES = new Set(['/healthz', '/api/health']);

/** Every other operation may answer 503 (errors.ts): documented once here rather than on each route. */
const UNAVAILABLE = {
  $ref: 'ErrorResponse#',
  description:
    'Service unavailable: `unavailable` while the database cannot be reached (`not_ready` from /readyz). Retry after Retry-After seconds; a write whose answer was lost may have committed, so retry submits with the same Idempotency-Key.',
  headers: { 'retry-after': { type: 'integer', description: `seconds to wait before retrying (${RETRY_AFTER_SECONDS})` } },
};

function documentUnavailable({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  if (!schema || (schema as { hide?: boolean }).hide || NO_DEPENDENCIES.has(url)) return { schema, url };
  const response = (schema.response ?? {}) as Record<string, unknown>;
  return { schema: { ...schema, response: { ...response, 503: UNAVAILABLE } }, url };
}

/**
 * The OpenAPI 3 document is generated from the route schemas (registered before the routes, so
 * @fastify/swagger sees every one) and served at /openapi.json; /docs is the browsable UI.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Syntra control API',
        version,
        description:
          'Commands become runs of tasks on a durable, leased queue. Every error is `{error: {code, message, details?}}`.',
      },
      tags: [
        { name: 'commands', description: 'Submit work' },
        { name: 'runs', description: 'Follow, list and cancel runs' },
        { name: 'queue', description: 'Remote workers: claim, renew, complete, fail' },
        { name: 'operations', description: 'Probes and metrics' },
        { name: 'access', description: 'Sessions, API keys, users, audit trail, rate limits' },
      ],
      // Every operation needs one of these unless it says `security: []` (probes, login, refresh).
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'sk_live_… / sk_test_… / sk_admin_…' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'access token from POST /v1/auth/login' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    transform: documentUnavailable,
  });

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());

  await app.register(async (docs) => {
    markRoutesPublic(docs);
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // Served over plain http on localhost by default: upgrading its assets to https would break the page.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/g, ''),
    });
  });
}
