import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SyntraError } from '../../domain/errors.js';
import { readiness } from '../operations/system.js';
import { QUEUE_STATES } from '../../control-plane/types.js';
import type { ApiContext } from '../context.js';
import { errors } from '../schemas.js';
import { vectorStorage } from '../../incidents/memory/vector-storage.js';

const Checks = Type.Record(Type.String(), Type.String());
const QueueState = Type.Union(QUEUE_STATES.map((s) => Type.Literal(s)));

/** What the panel's System page shows: liveness, readiness and the queue's depth by state. */
export const SystemStatus = Type.Object({
  live: Type.Boolean(),
  readiness: Type.Object({ status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('not_ready')]), checks: Checks }),
  queue: Type.Union([
    Type.Object({
      byState: Type.Array(Type.Object({ state: QueueState, count: Type.Integer() })),
      oldestAvailableAgeSeconds: Type.Number(),
    }),
    Type.Null(),
  ]),
});

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
            checks: Checks,
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
      const { status, checks } = await readiness(ctx);
      if (status === 'not_ready') {
        const failed = Object.entries(checks).filter(([k, v]) => k !== 'bus' && v !== 'ok');
        throw new SyntraError('not_ready', `not ready: ${failed.map(([k, v]) => `${k} ${v}`).join(', ')}`, { details: { checks } });
      }
      const storage = await vectorStorage(ctx.db);
      return { status, checks, details: { memory: { vectors: storage.kind, description: storage.description } } };
    },
  );
};
