import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TASK_TYPE_PATTERN } from '../../bus/subjects.js';
import { CLUSTER_NAME } from '../../clusters/index.js';
import type { ApiContext } from '../context.js';
import { submitRun } from '../operations/runs.js';
import { JsonObject, RunStatus, Uuid, errors } from '../schemas.js';

export const SubmitBody = Type.Object(
  {
    kind: Type.String({ minLength: 1, maxLength: 200, pattern: TASK_TYPE_PATTERN.source, description: 'task type of the run’s first task, e.g. "echo"' }),
    input: JsonObject,
    namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    cluster: Type.Optional(Type.String({ pattern: CLUSTER_NAME, description: 'a registered cluster (GET /v1/clusters); omitted: the default cluster' })),
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'higher is claimed first' })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'start-to-close per attempt' })),
    metadata: Type.Optional(JsonObject),
  },
  { additionalProperties: false },
);

const SubmitHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'retries with the same key return the same run' }),
  ),
});

export const Submitted = Type.Object({ runId: Uuid, commandId: Uuid, threadId: Uuid, status: RunStatus });

/**
 * POST /v1/commands/submit. A new command answers 201; a retry with the same Idempotency-Key
 * and the same body answers 200 with the ids of the first submission (so clients can tell a
 * replay apart); the same key with a different body is 409 conflict.
 */
export const commandRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  app.post(
    '/v1/commands/submit',
    {
      config: { permission: 'runs:write' },
      schema: {
        tags: ['commands'],
        summary: 'Submit a command; it becomes a run whose first task has type `kind`',
        body: SubmitBody,
        headers: SubmitHeaders,
        description: 'A `kind` no worker has ever registered answers 400 unknown_kind with the known kinds (see GET /v1/workers).',
        response: { 201: Submitted, 200: Submitted, ...errors(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await submitRun(ctx, request, request.body, key);
      const { runId, commandId, threadId, status } = result;
      return reply.status(result.created ? 201 : 200).send({ runId, commandId, threadId, status });
    },
  );
};
