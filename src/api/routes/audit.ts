import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requirePrincipal } from '../plugins/auth.js';
import { visibleAudit } from '../operations/users.js';
import { errors } from '../schemas.js';
import type { AccessRouteOptions } from './users.js';

const Timestamp = Type.String({ format: 'date-time' });
const Result = Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')]);
const ActorType = Type.Union([Type.Literal('user'), Type.Literal('key'), Type.Literal('anonymous'), Type.Literal('system')]);

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'user or key id' })),
    actorType: Type.Optional(ActorType),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'exact action, or a prefix ending in * (auth.*)' })),
    result: Type.Optional(Result),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    since: Type.Optional(Timestamp),
    until: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const AuditEventView = Type.Object({
  id: Type.String(),
  at: Timestamp,
  actorType: ActorType,
  actorId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  namespace: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  result: Result,
  details: Type.Object({}, { additionalProperties: true }),
});

/** GET /v1/audit — the trail, newest first, with filters and cursor pagination. */
export const auditRoutes: FastifyPluginAsyncTypebox<AccessRouteOptions> = async (app, { access }) => {
  app.get(
    '/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['access'],
        summary: 'Audit events: who did what, to which target, from where, with what result',
        description: "A caller limited to namespaces sees the events of its namespaces and its own actions only.",
        querystring: AuditQuery,
        response: { 200: Type.Object({ events: Type.Array(AuditEventView), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await visibleAudit(access, requirePrincipal(request), request.query);
      return { events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: page.nextCursor };
    },
  );
};
