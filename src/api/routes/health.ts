import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { migrationsApplied } from '../../db/migrate.js';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import { errors } from '../schemas.js';
import { vectorStorage } from '../../incidents/memory/vector-storage.js';

type Check = 'ok' | string;

/**
 * /healthz says the process is alive (no dependencies: a database outage must not get the pod
 * killed). /readyz says it can serve: database reachable and every shipped migration applied —
 * 503 not_ready naming the checks that failed otherwise. The bus is not a readiness condition:
 * without it wakeups stop but workers poll and the API keeps working, so a lost bus is 200 with
 * `status: "degraded"` (and `syntra_bus_connected 0` in /metrics), never a reason for a load
 * balancer to pull every replica at once.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: { tags: ['operations'], summary: 'Liveness', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        security: [],
        tags: ['operations'],
        summary: 'Readiness: database reachable and migrations applied; a disconnected bus is reported as degraded, still 200',
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('ready'), Type.Literal('degraded')], { description: 'degraded: serving, but the bus is disconnected (wakeups fall back to polling)' }),
            checks: Type.Record(Type.String(), Type.String()),
            details: Type.Object({
              memory: Type.Object({
                vectors: Type.Union([Type.Literal('pgvector'), Type.Literal('real[]')], { description: 'where the incident memory\'s nearest-neighbour search runs, chosen at start' }),
                description: Type.String(),
              }),
            }),
          }),
          ...errors(503),
        },
      },
    },
    async () => {
      const probe = async (fn: () => Promise<boolean>, failure: string): Promise<Check> => {
        try {
          return (await fn()) ? 'ok' : failure;
        } catch (e) {
          return `${failure}: ${errorMessage(e)}`;
        }
      };
      const database = await probe(async () => (await ctx.db.query('SELECT 1 AS ok')).rowCount === 1, 'unreachable');
      const migrations =
        database === 'ok' ? await probe(() => migrationsApplied(ctx.db), 'pending') : 'unknown (database unreachable)';
      const bus = ctx.bus.isConnected() ? 'ok' : 'disconnected';
      const checks = { database, migrations, bus };
      const failed = Object.entries({ database, migrations }).filter(([, v]) => v !== 'ok');
      if (failed.length > 0) {
        throw new SyntraError('not_ready', `not ready: ${failed.map(([k, v]) => `${k} ${v}`).join(', ')}`, { details: { checks } });
      }
      const storage = await vectorStorage(ctx.db);
      return { status: bus === 'ok' ? ('ready' as const) : ('degraded' as const), checks, details: { memory: { vectors: storage.kind, description: storage.description } } };
    },
  );
};
