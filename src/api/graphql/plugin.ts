import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from './graphql-js.js';
import mercurius from 'mercurius';
import type { Access } from '../../access/access.js';
import { SyntraError, isSyntraError } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import { markRoutesPublic } from '../permissions.js';
import { principalOf, readCredential } from '../plugins/auth.js';
import type { GraphQLContext } from './context.js';
import { errorFormatter } from './errors.js';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule, type QueryLimits } from './limits.js';
import { buildGraphQLSchema } from './schema.js';

export interface GraphQLOptions {
  api: ApiContext;
  access: Access;
  /** Introspection and GraphiQL (config.graphqlIntrospection). */
  introspection: boolean;
  limits?: QueryLimits;
}

/**
 * POST /graphql (and GET for queries), plus subscriptions over WebSocket on the same path
 * (`graphql-transport-ws`, and the legacy `graphql-ws`). The routes are public at the HTTP level
 * because authorization is per field (context.ts): the access plugin still authenticates and
 * rate-limits every request, and a WebSocket authenticates with the same headers sent as its
 * connection_init payload (browsers cannot set headers on a WebSocket).
 */
export async function graphqlRoutes(app: FastifyInstance, options: GraphQLOptions): Promise<void> {
  const { api, access } = options;
  const limits = options.limits ?? DEFAULT_QUERY_LIMITS;
  markRoutesPublic(app);
  // GraphQL documents itself (introspection, docs/graphql.md); the OpenAPI document is for REST.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });

  const contextOf = (request: FastifyRequest): GraphQLContext => ({
    api,
    access,
    principal: request.principal,
    authError: request.authError,
    ip: request.ip,
    log: request.log,
    rateLimitDecision: request.rateLimitDecision,
  });

  await app.register(mercurius, {
    schema: buildGraphQLSchema(),
    path: '/graphql',
    graphiql: options.introspection,
    allowBatchedQueries: false,
    // The cost rule reads the variables (a page size may come from one), so every request is validated.
    cache: false,
    context: (request) => contextOf(request),
    validationRules: ({ variables }) => [queryLimitsRule(limits, variables ?? {}), ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule as ValidationRule])],
    errorFormatter: errorFormatter as never,
    subscription: {
      keepAlive: api.timing.heartbeatMs,
      context: (_socket, request) => contextOf(request),
      // connection_init {"x-api-key": …} or {"authorization": "Bearer …"} (also accepted under "headers").
      onConnect: async ({ payload }) => {
        const raw = (payload ?? {}) as Record<string, unknown>;
        const headers = (typeof raw.headers === 'object' && raw.headers !== null ? raw.headers : raw) as Record<string, unknown>;
        const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v : undefined]));
        try {
          const credential = readCredential({ headers: lower });
          if (!credential) return true; // keeps whatever the upgrade request's headers carried
          return { principal: await principalOf(access, credential), authError: null };
        } catch (e) {
          if (!isSyntraError(e)) throw e;
          return { principal: null, authError: new SyntraError(e.code, e.message) };
        }
      },
    },
  });
}
