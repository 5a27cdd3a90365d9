import { setMaxListeners } from 'node:events';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { Registry } from 'prom-client';
import type { Bus } from '../bus/bus.js';
import type { SyntraConfig } from '../config.js';
import { controlPlaneMetrics } from '../control-plane/metrics.js';
import { errorForLog } from '../domain/error-log.js';
import { redactText } from '../domain/secrets/index.js';
import type { Database } from '../db/database.js';
import { accessOptionsFromEnv, createAccess, type Access } from '../access/access.js';
import { authenticationPlugin } from './plugins/auth.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { keyRoutes } from './routes/keys.js';
import { rateLimitRoutes } from './routes/rate-limit.js';
import { userRoutes } from './routes/users.js';
import { DEFAULT_TIMING, type ApiContext, type ApiTiming } from './context.js';
import { createKnownKinds } from './known-kinds.js';
import { createRunEventHub } from './run-event-hub.js';
import { enforceRouteDeclarations, type RouteDeclaration } from './permissions.js';
import { registerCors } from './plugins/cors.js';
import { answerFrameworkError, errorHandlingPlugin } from './plugins/errors.js';
import { countHttpRequests } from './plugins/http-metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { actionRoutes } from './routes/actions.js';
import { alertRoutes } from './routes/alerts.js';
import { askRoutes } from './routes/ask.js';
import { commandRoutes } from './routes/commands.js';
import { controlRoutes } from './routes/control.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { clusterRoutes } from './routes/clusters.js';
import { mcpRoutes } from './routes/mcp.js';
import { metricsRoutes } from './routes/metrics.js';
import { queueRoutes } from './routes/queue.js';
import { workerRoutes } from './routes/workers.js';
import { idRoutes } from './routes/ids.js';
import { runEventRoutes } from './routes/run-events.js';
import { runRoutes } from './routes/runs.js';
import { graphqlRoutes } from './graphql/plugin.js';
import { panelRoutes } from './panel.js';
import { ErrorResponse } from './schemas.js';
import { lazySchemas } from './lazy-schemas.js';
import { validatorCompiler } from './validation.js';
import { VERSION } from '../version.js';

export interface BuildAppOptions {
  config: SyntraConfig;
  db: Database;
  bus: Bus;
  /** Defaults to the control plane's process-wide registry. */
  metricsRegistry?: Registry;
  /** Defaults to config.logLevel; tests usually pass false. */
  logger?: FastifyServerOptions['logger'];
  timing?: Partial<ApiTiming>;
  /**
   * Access control (always on): users, keys, sessions, rate limits, audit. Defaults to one built
   * from the database, the environment (SYNTRA_JWT_SECRET) and config.rateLimit; tests pass
   * their own to control the clock or the limits.
   */
  access?: Access;
}

/**
 * Every logger of the app writes errors through errorForLog (no SQL parameters, failing rows or
 * bodies) and request URLs through the redactor (a token in a query string stays out of the log).
 */
type LoggerOption = NonNullable<FastifyServerOptions['logger']>;

function withSafeSerializers(logger: LoggerOption): LoggerOption {
  if (!logger) return logger;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: {
      ...base.serializers,
      err: errorForLog,
      error: errorForLog,
      req: (req: FastifyRequest) => ({ method: req.method, url: redactText(req.url).text, remoteAddress: req.ip }),
    },
  };
}

export type SyntraApp = FastifyInstance & {
  syntraRoutes: () => RouteDeclaration[];
  access: Access;
  /** Compiles the route schemas not compiled yet (they compile on first use: lazy-schemas.ts); returns how many. */
  compileSchemas: () => number;
};


/**
 * The control API, built but not listening (tests use `app.inject()`, the runtime calls `listen`).
 * Order matters: error handling and the route-declaration check come first, then the OpenAPI
 * generator, then the route plugins, so every route is documented and checked.
 */
export async function buildApp(options: BuildAppOptions): Promise<SyntraApp> {
  const { config, db, bus } = options;
  const schemas = lazySchemas(validatorCompiler);
  const app = Fastify({
    logger: withSafeSerializers(options.logger ?? (config.logLevel === 'silent' ? false : { level: config.logLevel })),
    bodyLimit: config.bodyLimitBytes,
    frameworkErrors: answerFrameworkError,
    // Off by default: request.ip (rate limits, login throttling, audit) is the TCP peer unless
    // SYNTRA_TRUST_PROXY names the proxies allowed to report the client in X-Forwarded-For.
    trustProxy: typeof config.trustProxy === 'object' ? [...config.trustProxy] : config.trustProxy,
    schemaController: { compilersFactory: { buildSerializer: schemas.buildSerializer } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(schemas.validatorCompiler);
  // The API speaks JSON; a text/plain body is a 415, not a string that fails validation later.
  // (A route plugin that needs another media type adds its parser in its own scope.)
  app.removeContentTypeParser('text/plain');

  const closing = new AbortController();
  // Every open stream and long poll listens to it: a thousand watchers are not a leak.
  setMaxListeners(0, closing.signal);
  // Streams and long polls end when closing starts; otherwise they would hold close() open.
  app.addHook('preClose', async () => closing.abort());

  const declarations = enforceRouteDeclarations(app);
  await app.register(errorHandlingPlugin);
  // Same reason as for /docs: `syntra up` serves plain http, so no upgrade-insecure-requests.
  await app.register(helmet, { global: true, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  await registerCors(app, config.corsOrigins);
  app.addSchema(ErrorResponse);
  await registerOpenApi(app, VERSION);
  // Before every route: authentication, permission checks and rate limits apply app-wide.
  const access = options.access ?? createAccess(db, { ...accessOptionsFromEnv(), rateLimits: { default: config.rateLimit } });
  await app.register(authenticationPlugin, { access });

  const apiRegistry = new Registry();
  countHttpRequests(app, apiRegistry);

  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const runEvents = createRunEventHub({ db, bus, sweepMs: timing.eventsPollMs, onError: (e) => app.log.warn({ err: e }, 'run event hub read failed') });
  app.addHook('onClose', async () => runEvents.close());
  const ctx: ApiContext = { config, db, bus, timing, closing: closing.signal, kinds: createKnownKinds(db), runEvents };
  await app.register(healthRoutes, ctx);
  await app.register(metricsRoutes, {
    ...ctx,
    metrics: { controlPlane: options.metricsRegistry ?? controlPlaneMetrics.registry, api: apiRegistry },
  });
  await app.register(commandRoutes, ctx);
  await app.register(runRoutes, ctx);
  await app.register(runEventRoutes, ctx);
  await app.register(queueRoutes, ctx);
  await app.register(workerRoutes, ctx);
  await app.register(idRoutes, ctx);
  await app.register(askRoutes, ctx);
  await app.register(incidentRoutes, ctx);
  await app.register(controlRoutes, ctx);
  await app.register(actionRoutes, ctx);
  await app.register(alertRoutes, ctx);
  await app.register(clusterRoutes, ctx);
  await app.register(mcpRoutes);
  for (const routes of [authRoutes, keyRoutes, userRoutes, auditRoutes, rateLimitRoutes]) await app.register(routes, { access });
  await app.register(graphqlRoutes, { api: ctx, access, introspection: config.graphqlIntrospection });
  await app.register(panelRoutes);

  return Object.assign(app as unknown as FastifyInstance, { syntraRoutes: declarations.routes, access, compileSchemas: schemas.compileAll });
}
