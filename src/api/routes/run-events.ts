import { principalInCluster } from '../../clusters/index.js';
import { PassThrough } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getRunStatus } from '../../control-plane/runs.js';
import { canAccessNamespace, type Principal } from '../../access/principal.js';
import { SyntraError } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import { pumpRunEvents } from '../event-stream.js';
import { RunIdParams, errors } from '../schemas.js';

const EventsQuery = Type.Object(
  { after: Type.Optional(Type.Integer({ minimum: 0, description: 'stream only events with seq greater than this' })) },
  { additionalProperties: false },
);
const EventsHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.Integer({ minimum: 0, description: 'resume after this seq (EventSource sends it)' })),
});

/**
 * GET /v1/runs/:runId/events — the run's ledger as Server-Sent Events (`id: <seq>`,
 * `event: <type>`, `data: <LedgerEvent JSON>`), resumable with Last-Event-ID or ?after=,
 * fed by the process's run event hub (bus notifications, database sweep as backstop), ending with `event: end` once the run is terminal.
 */
export const runEventRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  const visibleRunStatus = async (runId: string, principal: Principal | null) => {
    const found = await getRunStatus(ctx.db, runId);
    return found && canAccessNamespace(principalInCluster(principal, found.cluster), found.namespace) ? found.status : undefined;
  };

  app.get(
    '/v1/runs/:runId/events',
    {
      config: { permission: 'runs:read' },
      schema: {
        tags: ['runs'],
        summary: 'Follow a run live (Server-Sent Events); ends with an `end` event when the run ends',
        params: RunIdParams,
        querystring: EventsQuery,
        headers: EventsHeaders,
        response: {
          200: {
            description: 'text/event-stream: `id: <seq>`, `event: <type>`, `data: <ledger event JSON>`; finally `event: end`',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errors(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      if ((await visibleRunStatus(runId, request.principal)) === undefined) throw new SyntraError('not_found', `run ${runId} does not exist`);
      const header = request.headers['last-event-id'];
      const afterSeq = header ?? request.query.after ?? 0;

      const abort = new AbortController();
      const stop = () => abort.abort();
      reply.raw.once('close', stop);
      ctx.closing.addEventListener('abort', stop, { once: true });
      const out = new PassThrough();

      void pumpRunEvents(out, {
        hub: ctx.runEvents,
        runId,
        afterSeq,
        heartbeatMs: ctx.timing.heartbeatMs,
        signal: abort.signal,
      })
        .catch((e: unknown) => {
          request.log.warn({ err: e, runId }, 'event stream failed');
          out.destroy();
        })
        .finally(() => {
          ctx.closing.removeEventListener('abort', stop);
        });

      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        // A stream, not the string the OpenAPI schema describes; Fastify pipes it as is.
        .send(out as unknown as string);
    },
  );
};
