import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TASK_TYPE_PATTERN, taskWakeupSubject } from '../../bus/subjects.js';
import { assertLeaseHolder, claim, complete, fail, renew } from '../../control-plane/queue.js';
import type { ApiContext } from '../context.js';
import { requirePrincipal } from '../plugins/auth.js';
import { createRemoteWorkerAnnouncer } from '../remote-workers.js';
import { MaybeTimestamp, RunStatus, Timestamp, Uuid, errors } from '../schemas.js';
import { listenForWakeups, notifyRunEvents } from '../wakeup.js';

/**
 * Remote workers (any language) use the same lease semantics as the in-process worker:
 * claim → renew while running → complete or fail, each fenced by the lease token.
 * Only worker credentials (sk_worker_ keys, the only holders of queue:work) get here. A claim
 * hands out only items of runs in the namespaces the credential may serve; renew, complete and
 * fail also check that the lease was handed to this credential, not only that the token fits.
 */
const TaskType = Type.String({ minLength: 1, maxLength: 200, pattern: TASK_TYPE_PATTERN.source });
const LeaseToken = Type.String({ format: 'uuid', description: 'fencing token returned by claim' });
const LeaseSeconds = Type.Integer({ minimum: 1, maximum: 3600 });

const ClaimBody = Type.Object(
  {
    workerId: Type.String({ minLength: 1, maxLength: 200 }),
    taskTypes: Type.Array(TaskType, { minItems: 1, maxItems: 100, uniqueItems: true }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1 })),
    leaseSeconds: Type.Optional(LeaseSeconds),
    waitSeconds: Type.Optional(
      Type.Number({ minimum: 0, maximum: 30, description: 'long-poll: wait up to this long for an item' }),
    ),
  },
  { additionalProperties: false },
);

const ClaimedItem = Type.Object({
  queueItemId: Uuid,
  taskId: Uuid,
  runId: Uuid,
  taskType: Type.String(),
  input: Type.Unknown(),
  attempt: Type.Integer(),
  leaseToken: Type.String(),
  leaseExpiresAt: Timestamp,
  timeoutSeconds: Type.Integer({ description: 'start-to-close budget of this attempt' }),
  namespace: Type.Union([Type.String(), Type.Null()], { description: "the run's namespace; the work stays inside it" }),
});

const RenewBody = Type.Object({ queueItemId: Uuid, leaseToken: LeaseToken, leaseSeconds: Type.Optional(LeaseSeconds) }, { additionalProperties: false });
const CompleteBody = Type.Object(
  { queueItemId: Uuid, leaseToken: LeaseToken, output: Type.Optional(Type.Unknown({ description: 'any JSON value' })) },
  { additionalProperties: false },
);
const FailBody = Type.Object(
  {
    queueItemId: Uuid,
    leaseToken: LeaseToken,
    error: Type.Object(
      { message: Type.String({ minLength: 1, maxLength: 10_000 }), retryable: Type.Optional(Type.Boolean()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const queueRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  const fenced = errors(400, 404, 409);
  const workers = createRemoteWorkerAnnouncer(ctx.db);

  app.post(
    '/v1/queue/claim',
    {
      config: { permission: 'queue:work' },
      schema: {
        tags: ['queue'],
        summary: 'Claim up to `limit` available items of the given task types, each with a lease',
        description: 'Also registers the worker and its task types (GET /v1/workers): claiming is the remote worker heartbeat.',
        body: ClaimBody,
        response: { 200: Type.Object({ items: Type.Array(ClaimedItem) }), ...errors(400) },
      },
    },
    async (request, reply) => {
      const worker = requirePrincipal(request);
      const { workerId, taskTypes, waitSeconds } = request.body;
      const args = {
        workerId,
        taskTypes,
        limit: request.body.limit ?? 1,
        leaseSeconds: request.body.leaseSeconds ?? ctx.config.worker.leaseSeconds,
        namespaces: worker.namespaces,
        credential: worker.id,
      };
      // A claim is the remote worker's heartbeat and announces the task types it serves.
      await workers.seen({ workerId, credential: worker.id, taskTypes, namespaces: worker.namespaces });
      let items = await claim(ctx.db, args);
      if (items.length > 0 || !waitSeconds) return { items };

      const abort = new AbortController();
      const stop = () => abort.abort();
      reply.raw.once('close', stop);
      ctx.closing.addEventListener('abort', stop, { once: true });
      const wakeup = listenForWakeups(ctx.bus, taskTypes.map(taskWakeupSubject));
      const deadline = Date.now() + waitSeconds * 1000;
      try {
        while (items.length === 0 && !abort.signal.aborted) {
          const left = deadline - Date.now();
          if (left <= 0) break;
          await wakeup.wait(Math.min(left, ctx.timing.claimPollMs), abort.signal);
          // A client that went away must not be handed a lease it will never see.
          if (abort.signal.aborted) break;
          items = await claim(ctx.db, args);
        }
      } finally {
        wakeup.close();
        reply.raw.off('close', stop);
        ctx.closing.removeEventListener('abort', stop);
      }
      return { items };
    },
  );

  app.post(
    '/v1/queue/renew',
    {
      config: { permission: 'queue:work' },
      schema: {
        tags: ['queue'],
        summary: 'Extend a lease; 409 lease_lost when it expired and was taken',
        body: RenewBody,
        response: { 200: Type.Object({ leaseExpiresAt: Timestamp }), ...fenced },
      },
    },
    async (request) => {
      const { queueItemId, leaseToken } = request.body;
      await assertLeaseHolder(ctx.db, { queueItemId, leaseToken, credential: requirePrincipal(request).id });
      const leaseSeconds = request.body.leaseSeconds ?? ctx.config.worker.leaseSeconds;
      return renew(ctx.db, { queueItemId, leaseToken, leaseSeconds });
    },
  );

  app.post(
    '/v1/queue/complete',
    {
      config: { permission: 'queue:work' },
      schema: {
        tags: ['queue'],
        summary: 'Complete a leased item with its output',
        body: CompleteBody,
        response: {
          200: Type.Object({
            outcome: Type.String({ description: 'completed | already_completed (a retried call) | run_finished (the run ended meanwhile)' }),
            runId: Uuid,
            runStatus: Type.Union([RunStatus, Type.Null()]),
          }),
          ...fenced,
        },
      },
    },
    async (request) => {
      const { queueItemId, leaseToken, output } = request.body;
      await assertLeaseHolder(ctx.db, { queueItemId, leaseToken, credential: requirePrincipal(request).id });
      const done = await complete(ctx.db, { queueItemId, leaseToken, output: output ?? null });
      notifyRunEvents(ctx.bus, done.runId);
      return { outcome: done.outcome, runId: done.runId, runStatus: done.runStatus };
    },
  );

  app.post(
    '/v1/queue/fail',
    {
      config: { permission: 'queue:work' },
      schema: {
        tags: ['queue'],
        summary: 'Fail an attempt: retried with backoff, or dead after max attempts or when not retryable',
        body: FailBody,
        response: {
          200: Type.Object({ dead: Type.Boolean(), retryAt: MaybeTimestamp }),
          ...fenced,
        },
      },
    },
    async (request) => {
      const { queueItemId, leaseToken, error } = request.body;
      await assertLeaseHolder(ctx.db, { queueItemId, leaseToken, credential: requirePrincipal(request).id });
      return fail(ctx.db, { queueItemId, leaseToken, error });
    },
  );
};
