import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACTION_KINDS, describeActions } from '../../agents/actions/catalogue.js';
import { ACTION_STATUSES } from '../../agents/actions/store.js';
import type { Decision } from '../../agents/actions/approvals.js';
import type { ApiContext } from '../context.js';
import { actionPolicies, decideAction, proposeVisibleAction, visibleAction, visibleActions } from '../operations/actions.js';
import { errors, MaybeTimestamp, Timestamp, Uuid } from '../schemas.js';

/**
 * Actions and their approvals over HTTP — the same service functions as GraphQL and the CLI
 * (src/api/operations/actions.ts): GET /v1/actions, GET /v1/actions/catalogue, GET
 * /v1/actions/policies, GET /v1/actions/:id, POST /v1/actions (propose), POST
 * /v1/actions/:id/approve, POST /v1/actions/:id/reject. Another namespace's action answers 404; a
 * refused decision is audited as denied with the reason.
 */
const Name = Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' });
const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'why (kept in the ledger and the audit trail)' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const ActionTargetView = Type.Object({ kind: Type.String(), name: Type.String(), namespace: Type.Optional(Type.String()) });

/** An action request: target, params, status, dry-run diff, decision, execution, verification, and the no-executor notice. */
export const ActionView = Type.Object(
  {
    id: Uuid,
    namespace: Nullable(Type.String()),
    action: Type.String(),
    target: ActionTargetView,
    params: Open('the action\'s parameters, checked against its schema'),
    risk: Type.String({ description: 'low, medium or high' }),
    expectedEffect: Type.String(),
    verificationPlan: Type.String(),
    status: Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s))),
    reason: Type.String(),
    requestedBy: Type.String(),
    requestedByUser: Nullable(Type.String()),
    sourceRunId: Nullable(Type.String()),
    proposalRunId: Nullable(Type.String()),
    executionRunId: Nullable(Type.String()),
    dryRun: Nullable(
      Type.Object({
        diff: Type.Array(Type.Object({ path: Type.String(), before: Type.Unknown(), after: Type.Unknown() }), { description: 'what the server-side dry-run would change' }),
        resourceVersion: Type.String(),
        at: Type.String(),
        error: Type.Optional(Type.String()),
      }),
    ),
    destructive: Nullable(Type.String({ description: 'why the action is destructive (needs an admin and allowDestructive)' })),
    expiresAt: Timestamp,
    expired: Type.Boolean(),
    decidedBy: Nullable(Type.String()),
    decidedAt: MaybeTimestamp,
    decisionReason: Nullable(Type.String()),
    approvedByPolicy: Nullable(Type.String()),
    execution: Nullable(Open('what the executor sent and the API server answered')),
    verification: Nullable(Open('the Reviewer\'s checks, each with what it saw')),
    createdAt: Timestamp,
    rootCauseType: Nullable(Type.String()),
    errorLine: Nullable(Type.String()),
    subject: Nullable(ActionTargetView),
    workload: Nullable(Type.String()),
    executor: Type.Optional(Type.Object({ serving: Type.Boolean(), message: Type.Optional(Type.String()) }, { description: 'present when no executor serves this action now' })),
  },
  { additionalProperties: true },
);
export const ActionList = Type.Object({ items: Type.Array(ActionView) });
export const ActionListQuery = Type.Object({ status: Type.Optional(Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s)))), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }, { additionalProperties: false });
export const PolicyRule = Type.Object({
  id: Type.String(),
  policy: Type.String(),
  actions: Type.Array(Type.String()),
  namespaces: Type.Array(Type.String()),
  rootCauses: Type.Array(Type.String()),
  maxPerHourPerWorkload: Type.Integer(),
  active: Type.Boolean(),
  notes: Type.Array(Type.String(), { description: 'why the rule approves nothing now (a freeze window), or which of its actions it never approves' }),
});
export const ActionPolicies = Type.Object({ controlVersion: Type.Integer(), selfHealing: Type.Boolean(), rules: Type.Array(PolicyRule) });

const ProposeBody = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: 64 }),
    target: Type.Object({ kind: Type.Union(ACTION_KINDS.map((k) => Type.Literal(k))), name: Name, namespace: Type.Optional(Name) }, { additionalProperties: false, description: 'namespace is required, except for a Node (cluster-scoped)' }),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
    reason: Reason,
  },
  { additionalProperties: false },
);
export const DecisionBody = Type.Object({ reason: Reason, allowDestructive: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const decisionOf = (body: { reason: string; allowDestructive?: boolean | undefined }): Decision => ({ reason: body.reason, ...(body.allowDestructive !== undefined ? { allowDestructive: body.allowDestructive } : {}) });

export const actionRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  app.get(
    '/v1/actions/catalogue',
    { config: { permission: 'kubernetes:read' }, schema: { tags: ['actions'], summary: 'The actions Syntra can propose: schema, kinds, risk, verification', response: { 200: Type.Object({ actions: Type.Array(Type.Object({}, { additionalProperties: true })) }) } } },
    async () => ({ actions: describeActions() }),
  );

  app.get(
    '/v1/actions/policies',
    {
      config: { permission: 'kubernetes:read' },
      schema: { tags: ['actions'], summary: 'Self-healing: the arbiter policy rules that approve low-risk actions without a person (none by default)', response: { 200: ActionPolicies } },
    },
    async () => actionPolicies(ctx.db),
  );

  app.get(
    '/v1/actions',
    {
      config: { permission: 'kubernetes:read' },
      schema: { tags: ['actions'], summary: "Action requests, newest first (only the caller's namespaces)", querystring: ActionListQuery, response: { 200: ActionList, ...errors(400) } },
    },
    async (request) => visibleActions(ctx.db, request.principal ?? null, request.query),
  );

  app.get(
    '/v1/actions/:id',
    { config: { permission: 'kubernetes:read' }, schema: { tags: ['actions'], summary: 'One action request with its dry-run diff, decision and verification', params: IdParams, response: { 200: ActionView, ...errors(400, 404) } } },
    async (request) => visibleAction(ctx.db, request.principal ?? null, request.params.id),
  );

  app.post(
    '/v1/actions',
    { config: { permission: 'kubernetes:write' }, schema: { tags: ['actions'], summary: 'Propose an action; the executor dry-runs it, then it waits for approval', body: ProposeBody, response: { 201: ActionView, ...errors(400, 403, 503) } } },
    async (request, reply) => {
      const { action, target, params, reason } = request.body;
      return reply.code(201).send(await proposeVisibleAction(ctx.db, request, { action, target, params: params ?? {}, reason }));
    },
  );

  for (const verb of ['approve', 'reject'] as const) {
    app.post(
      `/v1/actions/:id/${verb}`,
      { config: { permission: 'kubernetes:write' }, schema: { tags: ['actions'], summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a dry-run action (by another person than the one who proposed it)`, params: IdParams, body: DecisionBody, response: { 200: ActionView, ...errors(400, 403, 404, 409) } } },
      async (request) => decideAction(ctx.db, request, verb, request.params.id, decisionOf(request.body)),
    );
  }
};
