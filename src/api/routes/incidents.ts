import { scopeOf } from '../../clusters/index.js';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../access/audit.js';
import { SyntraError } from '../../domain/errors.js';
import {
  changeTags,
  embedderFromEnv,
  findSimilar,
  getIncident,
  INCIDENT_STATUSES,
  listIncidents,
  probeOf,
  recordFeedback,
  searchIncidents,
  setIncidentStatus,
  TAG_PATTERN,
  type IncidentActor,
} from '../../incidents/index.js';
import type { ApiContext } from '../context.js';
import { errors, MaybeTimestamp, Timestamp, Uuid } from '../schemas.js';

/**
 * Incident memory over HTTP: GET /v1/incidents (filters incl. recurring, cursor),
 * GET /v1/incidents/search, GET /v1/incidents/:id (with feedback, recurrence, memory record),
 * GET /v1/incidents/:id/similar, and the changes: feedback, resolve, reopen, tags (audited).
 * A namespace-limited caller sees only its namespaces; another namespace's incident answers
 * exactly like a missing one (404), so ids cannot be probed.
 */
const Tag = Type.String({ pattern: TAG_PATTERN, description: 'lower-case letters, digits and dashes, e.g. database' });
const Recurrence = Type.Union([
  Type.Object({
    count: Type.Integer(),
    windowDays: Type.Integer(),
    lastFix: Type.Union([Type.Object({ action: Type.String(), verified: Type.Union([Type.Boolean(), Type.Null()]), at: MaybeTimestamp }), Type.Null()]),
    text: Type.String(),
  }),
  Type.Null(),
]);
const SimilarIncident = Type.Object({
  id: Uuid,
  title: Type.String(),
  namespace: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  similarity: Type.Number({ minimum: 0, maximum: 1 }),
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  occurrences: Type.Integer(),
  rootCause: Type.Object({ type: Type.String(), summary: Type.String(), confidence: Type.Number(), correct: Type.Union([Type.Boolean(), Type.Null()]) }),
  fix: Type.Object({ action: Type.Union([Type.String(), Type.Null()]), verified: Type.Union([Type.Boolean(), Type.Null()]) }),
});
const SearchHit = Type.Intersect([SimilarIncident, Type.Object({ tags: Type.Array(Type.String()), textMatch: Type.Number() })]);
const Feedback = Type.Object({
  id: Uuid,
  createdAt: Timestamp,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  remediationApplied: Type.Union([Type.String(), Type.Null()]),
  verified: Type.Union([Type.Boolean(), Type.Null()]),
  rootCauseCorrect: Type.Union([Type.Boolean(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
});
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
    tags: Type.Array(Type.String()),
    remediationVerified: Type.Union([Type.Boolean(), Type.Null()]),
    rootCauseCorrect: Type.Union([Type.Boolean(), Type.Null()]),
    lastFix: Type.Union([Type.String(), Type.Null()]),
    lastFixAt: MaybeTimestamp,
    recentOccurrences: Type.Integer(),
    recurrence: Type.Optional(Recurrence),
  },
  { additionalProperties: true },
);

export const IncidentListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(INCIDENT_STATUSES.map((s) => Type.Literal(s)))),
    namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    root_cause_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    recurring: Type.Optional(Type.Boolean({ description: 'only incidents seen by two or more runs within the recurrence window (7 days)' })),
    tag: Type.Optional(Tag),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

/** null = every namespace (no principal on this request, or an unrestricted one). */
function visibleNamespaces(request: FastifyRequest): readonly string[] | null {
  return request.principal?.namespaces ?? null;
}

const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500, description: 'what happened, e.g. "connection refused postgres"' }),
    namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    root_cause_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    status: Type.Optional(Type.Union(INCIDENT_STATUSES.map((s) => Type.Literal(s)))),
    tag: Type.Optional(Tag),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'only incidents seen since (RFC 3339)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
const FeedbackBody = Type.Object(
  {
    remediation_applied: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'what was done, e.g. "scaled deployment/postgres to 1"' })),
    verified: Type.Optional(Type.Boolean({ description: 'the fix was applied and the problem went away' })),
    root_cause_correct: Type.Optional(Type.Boolean({ description: 'false remembers the root cause as wrong: it then ranks lower' })),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const NoteBody = Type.Union([Type.Object({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false }), Type.Null()]);
const TagsBody = Type.Object(
  { add: Type.Optional(Type.Array(Tag, { maxItems: 32 })), remove: Type.Optional(Type.Array(Tag, { maxItems: 32 })) },
  { additionalProperties: false, minProperties: 1 },
);

function actorFor(request: FastifyRequest): IncidentActor {
  return { ...actorOf(request.principal ?? null), ip: request.ip, namespaces: visibleNamespaces(request) };
}

export const incidentRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  // The same embedder as the workers' (both read SYNTRA_EMBEDDINGS_*), so query and stored vectors compare.
  const embedder = embedderFromEnv(process.env);

  app.get(
    '/v1/incidents/search',
    {
      config: { permission: 'incident:read' },
      schema: {
        tags: ['incidents'],
        summary: 'Search the incident memory by words and similarity, within the caller\'s namespaces',
        querystring: SearchQuery,
        response: { 200: Type.Object({ items: Type.Array(SearchHit), method: Type.Union([Type.Literal('hybrid'), Type.Literal('text')]) }), ...errors(400) },
      },
    },
    async (request) => {
      const { q, namespace, root_cause_type: rootCauseType, status, tag, since, limit } = request.query;
      const namespaces = visibleNamespaces(request);
      return searchIncidents(ctx.db, embedder, {
        q,
        namespaces,
        limit: limit ?? 10,
        ...(namespace ? { namespace } : {}),
        ...(rootCauseType ? { rootCauseType } : {}),
        ...(status ? { status } : {}),
        ...(tag ? { tag } : {}),
        ...(since ? { since: new Date(since) } : {}),
      });
    },
  );

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
      const { status, namespace, root_cause_type: rootCauseType, cursor, limit, recurring, tag } = request.query;
      const namespaces = visibleNamespaces(request);
      return listIncidents(ctx.db, {
        limit: limit ?? 20,
        ...(status ? { status } : {}),
        ...(namespace ? { namespace } : {}),
        ...(rootCauseType ? { rootCauseType } : {}),
        ...(cursor ? { cursor } : {}),
        ...(recurring ? { recurring } : {}),
        ...(tag ? { tag } : {}),
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
        params: IdParams,
        response: {
          200: Type.Intersect([Incident, Type.Object({ runIds: Type.Array(Uuid), feedback: Type.Array(Feedback), memory: Type.Object({}, { additionalProperties: true }) })]),
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      const incident = await getIncident(ctx.db, request.params.id);
      const namespaces = visibleNamespaces(request);
      if (!incident || (namespaces && !namespaces.includes(scopeOf(incident.cluster, incident.namespace) ?? ''))) {
        throw new SyntraError('not_found', `incident ${request.params.id} does not exist`);
      }
      return incident;
    },
  );

  app.get(
    '/v1/incidents/:id/similar',
    {
      config: { permission: 'incident:read' },
      schema: {
        tags: ['incidents'],
        summary: 'Past incidents similar to this one (verified fixes first), within the caller\'s namespaces',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(SimilarIncident) }), ...errors(400, 404) },
      },
    },
    async (request) => {
      const namespaces = visibleNamespaces(request);
      const incident = await getIncident(ctx.db, request.params.id);
      if (!incident || (namespaces && !namespaces.includes(scopeOf(incident.cluster, incident.namespace) ?? ''))) {
        throw new SyntraError('not_found', `incident ${request.params.id} does not exist`);
      }
      const probe = (await probeOf(ctx.db, incident.id))!;
      return { items: await findSimilar(ctx.db, probe, { namespaces, excludeId: incident.id, limit: request.query.limit ?? 3 }) };
    },
  );

  app.post(
    '/v1/incidents/:id/feedback',
    {
      config: { permission: 'incident:create' },
      schema: {
        tags: ['incidents'],
        summary: 'Say what fixed it, whether that held, and whether the root cause was right (audited)',
        params: IdParams,
        body: FeedbackBody,
        response: { 201: Type.Object({ incident: Incident, feedback: Feedback }), ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await recordFeedback(
        ctx.db,
        request.params.id,
        {
          ...(b.remediation_applied !== undefined ? { remediationApplied: b.remediation_applied } : {}),
          ...(b.verified !== undefined ? { verified: b.verified } : {}),
          ...(b.root_cause_correct !== undefined ? { rootCauseCorrect: b.root_cause_correct } : {}),
          ...(b.note !== undefined ? { note: b.note } : {}),
        },
        actorFor(request),
      );
      request.auditRecorded = true; // audited with the change, in its transaction (a refusal by the generic hook)
      return reply.status(201).send(result);
    },
  );

  for (const [action, status] of [['resolve', 'resolved'], ['reopen', 'open']] as const) {
    app.post(
      `/v1/incidents/:id/${action}`,
      {
        config: { permission: 'incident:create' },
        schema: {
          tags: ['incidents'],
          summary: action === 'resolve' ? 'Mark an incident resolved (audited)' : 'Reopen a resolved incident (audited)',
          params: IdParams,
          body: Type.Optional(NoteBody),
          response: { 200: Incident, ...errors(400, 403, 404, 409) },
        },
      },
      async (request) => {
        const incident = await setIncidentStatus(ctx.db, request.params.id, status, actorFor(request), request.body?.note);
        request.auditRecorded = true;
        return incident;
      },
    );
  }

  app.post(
    '/v1/incidents/:id/tags',
    {
      config: { permission: 'incident:create' },
      schema: {
        tags: ['incidents'],
        summary: 'Add and remove tags (audited)',
        params: IdParams,
        body: TagsBody,
        response: { 200: Incident, ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const incident = await changeTags(ctx.db, request.params.id, request.body, actorFor(request));
      request.auditRecorded = true;
      return incident;
    },
  );
};
