import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf, appendAudit } from '../../access/audit.js';
import { getSnapshot } from '../../control-plane/control-registry/index.js';
import {
  AlertmanagerPayload,
  fromAlertmanager,
  fromGeneric,
  GenericPayload,
  ingestAlerts,
  listAlerts,
  type IngestResult,
  type NormalizedAlert,
} from '../../integrations/alerts/index.js';
import type { ApiContext } from '../context.js';
import { requirePrincipal } from '../plugins/auth.js';
import { errors, Timestamp, Uuid } from '../schemas.js';

/**
 * Alerts in: POST /v1/alerts/alertmanager (Alertmanager's webhook, payload version 4) and
 * POST /v1/alerts/generic (a documented JSON shape), both with a credential holding
 * alerts:write — typically a key holding nothing else, sent by Alertmanager as
 * `Authorization: Bearer sk_live_…` (http_config.authorization). GET /v1/alerts lists them.
 */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const IngestAnswer = Type.Object({
  runsStarted: Type.Integer(),
  results: Type.Array(
    Type.Object({
      fingerprint: Type.String(),
      alertname: Type.String(),
      outcome: Type.Union(['investigating', 'attached', 'ignored', 'skipped', 'resolved', 'recorded'].map((o) => Type.Literal(o))),
      alertId: Nullable(Uuid),
      runId: Nullable(Uuid),
      incidentId: Nullable(Uuid),
      reason: Type.Optional(Type.String()),
    }),
  ),
});

const AlertItem = Type.Object(
  {
    id: Uuid,
    source: Type.String(),
    fingerprint: Type.String(),
    status: Type.String(),
    alertname: Type.String(),
    severity: Nullable(Type.String()),
    namespace: Nullable(Type.String()),
    target: Nullable(Type.Object({ kind: Type.String(), name: Type.String() })),
    labels: Type.Record(Type.String(), Type.String()),
    annotations: Type.Record(Type.String(), Type.String()),
    decision: Type.String(),
    reason: Type.String(),
    runId: Nullable(Uuid),
    incidentId: Nullable(Uuid),
    receiveCount: Type.Integer(),
    firstReceived: Timestamp,
    lastReceived: Timestamp,
    resolvedAt: Nullable(Timestamp),
  },
  { additionalProperties: true },
);

const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
    fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export const alertRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  const ingest = async (request: FastifyRequest, source: string, alerts: NormalizedAlert[]): Promise<IngestResult> => {
    const principal = requirePrincipal(request);
    // Firing alerts start `ask` runs: refused (400 unknown_kind) while no worker serves them.
    if (alerts.some((a) => a.status === 'firing')) await ctx.kinds.assertKnown('ask');
    const snapshot = await getSnapshot(ctx.db);
    const result = await ingestAlerts(ctx.db, alerts, {
      principal,
      rules: snapshot.alertRules,
      dedupeWindowSeconds: ctx.config.alerts.dedupeWindowSeconds,
      maxRunsPerNotification: ctx.config.alerts.maxRunsPerNotification,
    });
    const counts: Record<string, number> = {};
    for (const r of result.results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    await appendAudit(ctx.db, {
      ...actorOf(principal),
      action: `alerts.${source}.received`,
      target: [...new Set(alerts.map((a) => a.alertname))].slice(0, 10).join(','),
      namespace: alerts.length > 0 && alerts.every((a) => a.namespace === alerts[0]!.namespace) ? alerts[0]!.namespace : null,
      ip: request.ip,
      result: 'ok',
      details: { alerts: alerts.length, runsStarted: result.runsStarted, outcomes: counts, controlVersion: snapshot.version },
    });
    request.auditRecorded = true;
    return result;
  };

  app.post(
    '/v1/alerts/alertmanager',
    {
      config: { permission: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: "Alertmanager's webhook receiver (payload version 4): firing alerts start investigations, resolved ones close them",
        body: AlertmanagerPayload,
        response: { 200: IngestAnswer, ...errors(400, 401, 403, 413, 429) },
      },
    },
    async (request) => ingest(request, 'alertmanager', fromAlertmanager(request.body)),
  );

  app.post(
    '/v1/alerts/generic',
    {
      config: { permission: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts from anything else (Grafana, a CI job, a script), in the shape docs/alerts.md describes',
        body: GenericPayload,
        response: { 200: IngestAnswer, ...errors(400, 401, 403, 413, 429) },
      },
    },
    async (request) => ingest(request, 'generic', fromGeneric(request.body, new Date())),
  );

  app.get(
    '/v1/alerts',
    {
      config: { permission: 'incident:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts received, most recent first, with what was done about each',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(AlertItem), nextCursor: Nullable(Type.String()) }), ...errors(400) },
      },
    },
    async (request) => {
      const { status, fingerprint, cursor, limit } = request.query;
      const namespaces = request.principal?.namespaces ?? null;
      return listAlerts(ctx.db, { limit: limit ?? 20, ...(status ? { status } : {}), ...(fingerprint ? { fingerprint } : {}), ...(cursor ? { cursor } : {}), ...(namespaces ? { namespaces } : {}) });
    },
  );
};
