import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TObject, TProperties } from '@sinclair/typebox';
import * as control from '../../control-plane/control-registry/index.js';
import {
  ActivatePromptInput,
  ArbiterPolicy,
  ChangeMeta,
  ENTITY_TYPES,
  PromptVersion,
  RemoveEntityInput,
  RollbackInput,
  RoutingRule,
  Skill,
  ToolDefinition,
  UpdateArbiterInput,
  UpdateRoutingRulesInput,
  AlertRule,
  NotificationChannel,
  UpdateAlertRulesInput,
  RetentionPolicy,
  RemoveRetentionPolicyInput,
  MAX_HISTORY_LIMIT,
  type ControlWrite,
} from '../../control-plane/control-registry/index.js';
import type { Database } from '../../db/database.js';
import { changeControl, controlHistory } from '../operations/control.js';
import { errors } from '../schemas.js';

/**
 * The control registry over HTTP: read the effective snapshot and the change log, and change
 * prompts, skills, tools, routing rules and arbiter policies. Every change names its reason;
 * the actor is the authenticated principal; each change is audited in its own transaction.
 */

export const Snapshot = Type.Object(
  {
    version: Type.Integer(),
    prompts: Type.Record(Type.String(), PromptVersion),
    promptVersions: Type.Record(Type.String(), Type.Array(Type.String())),
    skills: Type.Record(Type.String(), Skill),
    tools: Type.Record(Type.String(), ToolDefinition),
    routingRules: Type.Array(RoutingRule),
    arbiters: Type.Record(Type.String(), ArbiterPolicy),
    alertRules: Type.Array(AlertRule),
    notificationChannels: Type.Record(Type.String(), NotificationChannel),
    retentionPolicies: Type.Record(Type.String(), RetentionPolicy, { description: 'per-namespace retention windows, by scope (namespace or cluster/namespace)' }),
  },
  { description: 'The effective control configuration at one version' },
);

export const Change = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  entityType: Type.Union(ENTITY_TYPES.map((t) => Type.Literal(t))),
  entityName: Type.String(),
  action: Type.String(),
  payload: Type.Object({}, { additionalProperties: true }),
  actor: Type.String({ description: 'the API key or user id that made the change, or a name such as system' }),
  actorName: Type.Optional(Type.String({ description: 'who the actor is, when it is a key or a user: email (key "name")' })),
  reason: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const WriteResult = Type.Object({ version: Type.Integer(), change: Change, snapshot: Snapshot });

const SnapshotQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 0, description: 'a past version; latest when omitted' })) },
  { additionalProperties: false },
);

export const HistoryQuery = Type.Object(
  {
    entityType: Type.Optional(Type.Union(ENTITY_TYPES.map((t) => Type.Literal(t)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_HISTORY_LIMIT, default: 50 })),
    cursor: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,9}$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);
export const HistoryPage = Type.Object({ items: Type.Array(Change), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** A module input plus the reason every change must give, still closed to unknown fields. */
export function withReason<P extends TProperties>(input: TObject<P>) {
  return Type.Object({ ...input.properties, reason: ChangeMeta.properties.reason }, { additionalProperties: false });
}

export interface ControlRoutesOptions {
  db: Database;
}

export const controlRoutes: FastifyPluginAsyncTypebox<ControlRoutesOptions> = async (app, ctx) => {
  app.get(
    '/v1/control/snapshot',
    {
      config: { permission: 'control:read' },
      schema: {
        tags: ['control'],
        summary: 'The effective control snapshot (latest, or at ?version=)',
        querystring: SnapshotQuery,
        response: { 200: Snapshot, ...errors(400, 404) },
      },
    },
    async (request) => control.getSnapshot(ctx.db, { version: request.query.version }),
  );

  app.get(
    '/v1/control/history',
    {
      config: { permission: 'control:read' },
      schema: {
        tags: ['control'],
        summary: 'Control changes, newest first: who, when, why',
        querystring: HistoryQuery,
        response: { 200: HistoryPage, ...errors(400) },
      },
    },
    async (request) => {
      return controlHistory(ctx.db, request.query);
    },
  );

  const writeRoute = <P extends TProperties, I>(url: string, summary: string, input: TObject<P>, write: ControlWrite<I>) =>
    app.post(
      url,
      {
        // One registry serves every tenant: changing it needs a caller not limited to namespaces.
        config: { permission: 'control:write', tenantWide: true },
        schema: { tags: ['control'], summary, body: withReason(input), response: { 200: WriteResult, ...errors(400, 403, 404, 409) } },
      },
      async (request) => changeControl(ctx.db, request, write, request.body as I & { reason: string }),
    );

  const activateSummary = 'Activate a prompt version (registering it when a template is given)';
  writeRoute('/v1/control/prompts/activate', activateSummary, ActivatePromptInput, control.activatePrompt);
  writeRoute('/v1/control/skills/register', 'Register or replace a skill', Skill, control.registerSkill);
  writeRoute('/v1/control/skills/remove', 'Remove a skill', RemoveEntityInput, control.removeSkill);
  writeRoute('/v1/control/tools/register', 'Register or replace a tool', ToolDefinition, control.registerTool);
  writeRoute('/v1/control/tools/remove', 'Remove a tool no skill uses', RemoveEntityInput, control.removeTool);
  writeRoute('/v1/control/routing-rules/update', 'Replace the routing rules', UpdateRoutingRulesInput, control.updateRoutingRules);
  writeRoute('/v1/control/arbiters/update', 'Update an arbiter policy', UpdateArbiterInput, control.updateArbiter);
  writeRoute('/v1/control/alert-rules/update', 'Replace the alert rules (which alerts are investigated)', UpdateAlertRulesInput, control.updateAlertRules);
  writeRoute('/v1/control/notification-channels/register', 'Register or replace a notification channel (Slack, Discord, signed webhook)', NotificationChannel, control.upsertNotificationChannel);
  writeRoute('/v1/control/notification-channels/remove', 'Remove a notification channel', RemoveEntityInput, control.removeNotificationChannel);
  writeRoute('/v1/control/retention/update', "Set a namespace's retention window (overrides SYNTRA_RETENTION_DAYS; days null keeps its runs forever)", RetentionPolicy, control.setRetentionPolicy);
  writeRoute('/v1/control/retention/remove', 'Remove a namespace retention window (SYNTRA_RETENTION_DAYS applies again)', RemoveRetentionPolicyInput, control.removeRetentionPolicy);
  writeRoute('/v1/control/rollback', 'Make an older version effective again, as a new version', RollbackInput, control.rollback);
};
