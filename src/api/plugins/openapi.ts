import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { markRoutesPublic } from '../permissions.js';

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
