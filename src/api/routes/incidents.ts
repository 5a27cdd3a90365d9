import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { embedderFromEnv, INCIDENT_STATUSES, TAG_PATTERN } from '../../incidents/index.js';
import { changeIncidentStatus, changeIncidentTags, incidentFeedback, searchVisibleIncidents, similarToIncident, visibleIncident, visibleIncidents } from '../operations/incidents.js';
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
export const Recurrence = Type.Union([
  Type.Object({
    count: Type.Integer(),
    windowDays: Type.Integer(),
    lastFix: Type.Union([Type.Object({ action: Type.String(), verified: Type.Union([Type.Boolean(), Type.Null()]), at: MaybeTimestamp }), Type.Null()]),
    text: Type.String(),
  }),
  Type.Null(),
]);
export const SimilarIncident = Type.Object({
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
export const SearchHit = Type.Intersect([SimilarIncident, Type.Object({ tags: Type.Array(Type.String()), textMatch: Type.Number() })]);
export const Feedback = Type.Object({
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

export const IncidentDetail = Type.Intersect([
  Incident,
  Type.Object({
    runIds: Type.Array(Uuid),
    feedback: Type.Array(Feedback),
    memory: Type.Object({}, { additionalProperties: true }),
    summarised: Type.Union([
      Type.Object(
        { at: Timestamp, counts: Type.Object({ runs: Type.Integer(), feedback: Type.Integer(), symptoms: Type.Integer(), memoryTextChars: Type.Integer() }) },
        { description: 'set when retention summarised this incident (not seen for SYNTRA_MEMORY_RETENTION_DAYS): when, and counts of what was removed' },
      ),
      Type.Null(),
    ]),
  }),
]);
export const SearchResult = Type.Object({ items: Type.Array(SearchHit), method: Type.Union([Type.Literal('hybrid'), Type.Literal('text')]) });

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

export const SearchQuery = Type.Object(
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
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const FeedbackBody = Type.Object(
  {
    remediation_applied: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'what was done, e.g. "scaled deployment/postgres to 1"' })),
    verified: Type.Optional(Type.Boolean({ description: 'the fix was applied and the problem went away' })),
    root_cause_correct: Type.Optional(Type.Boolean({ description: 'false remembers the root cause as wrong: it then ranks lower' })),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const Note = Type.String({ minLength: 1, maxLength: 2000 });
export const NoteBody = Type.Union([Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false }), Type.Null()]);
export const TagsBody = Type.Object(
  { add: Type.Optional(Type.Array(Tag, { maxItems: 32 })), remove: Type.Optional(Type.Array(Tag, { maxItems: 32 })) },
  { additionalProperties: false, minProperties: 1 },
);

export const incidentRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  // The same embedder as the workers' (both read SYNTRA_EMBEDDINGS_*), so query and stored vectors compare.
  const embedder = embedderFromEnv(process.env, ctx.db);

  app.get(
    '/v1/incidents/search',
    {
      config: { permission: 'incident:read' },
      schema: {
        tags: ['incidents'],
        summary: 'Search the incident memory by words and similarity, within the caller\'s namespaces',
        querystring: SearchQuery,
        response: { 200: SearchResult, ...errors(400) },
      },
    },
    async (request) => searchVisibleIncidents(ctx.db, embedder, request.principal ?? null, request.query),
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
    async (request) => visibleIncidents(ctx.db, request.principal ?? null, request.query),
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
          200: IncidentDetail,
          ...errors(400, 404),
        },
      },
    },
    async (request) => visibleIncident(ctx.db, request.principal ?? null, request.params.id),
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
    async (request) => ({ items: await similarToIncident(ctx.db, request.principal ?? null, request.params.id, request.query.limit ?? 3) }),
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
    // Audited with the change, in its transaction (a refusal by the generic hook).
    async (request, reply) => reply.status(201).send(await incidentFeedback(ctx.db, request, request.params.id, request.body)),
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
      async (request) => changeIncidentStatus(ctx.db, request, request.params.id, status, request.body?.note),
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
    async (request) => changeIncidentTags(ctx.db, request, request.params.id, request.body),
  );
};
