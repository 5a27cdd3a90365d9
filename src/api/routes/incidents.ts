import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { SyntraError } from '../../domain/errors.js';
import { getIncident, INCIDENT_STATUSES, listIncidents } from '../../incidents/index.js';
import type { ApiContext } from '../context.js';
import { errors, Timestamp, Uuid } from '../schemas.js';

/**
 * Incident memory over HTTP: GET /v1/incidents (filters, cursor) and GET /v1/incidents/:id.
 * A namespace-limited caller sees only its namespaces; another namespace's incident answers
 * exactly like a missing one (404), so ids cannot be probed.
 */
export const Incident = Type.Object(
  {
    id: Uuid,
    fingerprint: Type.String(),
    namespace: Type.Union([Type.String(), Type.Null()]),
    title: Type.String(),
    status: Type.Union(INCIDENT_STATUSES.map((s) => Type.Literal(s))),
    rootCauseType: Type.String(),
    summary: Type.String(),
    confidence: Type.Number(),
    symptoms: Type.Array(Type.String()),
    affectedResources: Type.Array(Type.Object({}, { additionalProperties: true })),
    remediation: Type.Object({}, { additionalProperties: true }),
    occurrences: Type.Integer(),
    firstSeen: Timestamp,
    lastSeen: Timestamp,
    resolvedAt: Type.Union([Timestamp, Type.Null()]),
    lastRunId: Type.Union([Uuid, Type.Null()]),
  },
  { additionalProperties: true },
);

export const IncidentListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(INCIDENT_STATUSES.map((s) => Type.Literal(s)))),
    namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    root_cause_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

/** null = every namespace (no principal on this request, or an unrestricted one). */
function visibleNamespaces(request: FastifyRequest): readonly string[] | null {
  return request.principal?.namespaces ?? null;
}

export const incidentRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  app.get(
    '/v1/incidents',
    {
      config: { permission: 'incident:read' },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, most recently seen first, filtered and paginated by cursor',
        querystring: IncidentListQuery,
        response: { 200: Type.Object({ items: Type.Array(Incident), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400) },
      },
    },
    async (request) => {
      const { status, namespace, root_cause_type: rootCauseType, cursor, limit } = request.query;
      const namespaces = visibleNamespaces(request);
      return listIncidents(ctx.db, {
        limit: limit ?? 20,
        ...(status ? { status } : {}),
        ...(namespace ? { namespace } : {}),
        ...(rootCauseType ? { rootCauseType } : {}),
        ...(cursor ? { cursor } : {}),
        ...(namespaces ? { namespaces } : {}),
      });
    },
  );

  app.get(
    '/v1/incidents/:id',
    {
      config: { permission: 'incident:read' },
      schema: {
        tags: ['incidents'],
        summary: 'One incident with the runs that saw it',
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        response: { 200: Type.Intersect([Incident, Type.Object({ runIds: Type.Array(Uuid) })]), ...errors(400, 404) },
      },
    },
    async (request) => {
      const incident = await getIncident(ctx.db, request.params.id);
      const namespaces = visibleNamespaces(request);
      if (!incident || (namespaces && (incident.namespace === null || !namespaces.includes(incident.namespace)))) {
        throw new SyntraError('not_found', `incident ${request.params.id} does not exist`);
      }
      return incident;
    },
  );
};
