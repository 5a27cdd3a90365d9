import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { namespaceFilter } from '../../access/principal.js';
import { knownKinds, listWorkers, SILENT_AFTER_SECONDS } from '../../control-plane/workers.js';
import type { ApiContext } from '../context.js';
import { Timestamp, MaybeTimestamp, errors } from '../schemas.js';

export const WorkerView = Type.Object({
  workerId: Type.String(),
  credential: Type.Union([Type.String(), Type.Null()], { description: 'API key id of a remote worker; null for workers on the database directly' }),
  transport: Type.Union([Type.Literal('database'), Type.Literal('http')]),
  taskTypes: Type.Array(Type.String()),
  namespaces: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: every namespace' }),
  host: Type.Union([Type.String(), Type.Null()]),
  startedAt: Timestamp,
  lastSeenAt: Timestamp,
  stoppedAt: MaybeTimestamp,
  status: Type.Union([Type.Literal('live'), Type.Literal('silent'), Type.Literal('stopped')], {
    description: `live: seen in the last ${SILENT_AFTER_SECONDS} s; silent: not since; stopped: shut down cleanly`,
  }),
  controlVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'the control-registry version the worker has loaded (reported again on every reload); null: it uses none' }),
});

/** GET /v1/workers — the worker registry: who serves which task types, and every kind ever served. */
export const workerRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  app.get(
    '/v1/workers',
    {
      config: { permission: 'control:read' },
      schema: {
        tags: ['operations'],
        summary: 'Workers and the task types they serve (a submit of any other kind is refused)',
        response: { 200: Type.Object({ items: Type.Array(WorkerView), knownKinds: Type.Array(Type.String()) }), ...errors(401, 403) },
      },
    },
    async (request) => {
      const namespaces = namespaceFilter(request.principal);
      const [workers, kinds] = await Promise.all([listWorkers(ctx.db, { namespaces }), knownKinds(ctx.db)]);
      return { items: workers, knownKinds: kinds };
    },
  );
};
