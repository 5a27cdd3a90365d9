import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../context.js';
import { cancelVisibleRun, visibleRun, visibleRuns } from '../operations/runs.js';
import { MaybeTimestamp, RunIdParams, RunStatus, Timestamp, Uuid, errors } from '../schemas.js';


export const Run = Type.Object(
  {
    id: Uuid,
    kind: Type.String(),
    status: RunStatus,
    namespace: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    cluster: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'the registered cluster the run reads; null: the default cluster' })),
    input: Type.Unknown(),
    output: Type.Unknown(),
    error: Type.Unknown(),
    createdAt: Timestamp,
    startedAt: MaybeTimestamp,
    finishedAt: MaybeTimestamp,
  },
  { additionalProperties: true },
);
const Open = Type.Object({}, { additionalProperties: true });

export const RunDetail = Type.Object({ run: Run, tasks: Type.Array(Open), artifacts: Type.Array(Open), events: Type.Array(Open) });

// "2024-05-01" or a full ISO 8601 timestamp; the handler also rejects impossible dates.
const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:?\\d{2})?)?$';

export const ListQuery = Type.Object(
  {
    status: Type.Optional(RunStatus),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    since: Type.Optional(Type.String({ pattern: ISO_DATE, description: 'ISO 8601 date or timestamp: runs created at or after' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export const RunPage = Type.Object({ items: Type.Array(Run), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const Cancelled = Type.Object({ runId: Uuid, status: RunStatus });

export const runRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  app.get(
    '/v1/runs/:runId',
    {
      config: { permission: 'runs:read' },
      schema: {
        tags: ['runs'],
        summary: 'A run with its tasks, artifacts and ledger events',
        params: RunIdParams,
        response: { 200: RunDetail, ...errors(400, 404) },
      },
    },
    // Another namespace's run answers exactly like a missing one: ids cannot be probed.
    async (request) => visibleRun(ctx.db, request.principal, request.params.runId),
  );

  app.get(
    '/v1/runs',
    {
      config: { permission: 'runs:read' },
      schema: {
        tags: ['runs'],
        summary: 'Runs, newest first, filtered and paginated by cursor',
        querystring: ListQuery,
        response: { 200: RunPage, ...errors(400) },
      },
    },
    async (request) => visibleRuns(ctx.db, request.principal, request.query),
  );

  app.post(
    '/v1/runs/:runId/cancel',
    {
      config: { permission: 'runs:write' },
      // A cancel usually has no body at all; treat that as an empty one.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['runs'],
        summary: 'Cancel a run: pending items are cancelled, a running handler is aborted',
        params: RunIdParams,
        body: CancelBody,
        response: { 200: Cancelled, ...errors(400, 404, 409) },
      },
    },
    async (request) => cancelVisibleRun(ctx, request, request.params.runId, request.body.reason),
  );
};
