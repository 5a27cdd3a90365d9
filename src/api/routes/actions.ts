import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf, appendAudit } from '../../access/audit.js';
import type { Principal } from '../../access/principal.js';
import { approveAction, executorNotice, listActionRequests, proposeAction, rejectAction, showAction, type Decision } from '../../agents/actions/approvals.js';
import { listPolicyRules } from '../../agents/actions/self-healing.js';
import { getSnapshot } from '../../control-plane/control-registry/index.js';
import { ACTION_KINDS, describeActions } from '../../agents/actions/catalogue.js';
import { ACTION_STATUSES, type ActionRequest } from '../../agents/actions/store.js';
import { SyntraError, isSyntraError } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import { errors, Uuid } from '../schemas.js';

/**
 * Actions and their approvals over HTTP — the same service functions as the CLI:
 * GET /v1/actions, GET /v1/actions/catalogue, GET /v1/actions/policies, GET /v1/actions/:id, POST /v1/actions (propose),
 * POST /v1/actions/:id/approve, POST /v1/actions/:id/reject. Another namespace's action answers
 * 404; a refused decision is audited as denied with the reason.
 */
const Name = Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' });
const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'why (kept in the ledger and the audit trail)' });

const Action = Type.Object({}, { additionalProperties: true, description: 'an action request: target, params, status, dry-run diff, decision, execution, verification' });

const ProposeBody = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: 64 }),
    target: Type.Object({ kind: Type.Union(ACTION_KINDS.map((k) => Type.Literal(k))), name: Name, namespace: Type.Optional(Name) }, { additionalProperties: false, description: 'namespace is required, except for a Node (cluster-scoped)' }),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
    reason: Reason,
  },
  { additionalProperties: false },
);
const DecisionBody = Type.Object({ reason: Reason, allowDestructive: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

function signedIn(request: FastifyRequest, doing: string): Principal {
  if (!request.principal) throw new SyntraError('unauthenticated', `${doing} needs an authenticated person or key`);
  return request.principal;
}

const view = async (db: ApiContext['db'], a: ActionRequest) => {
  const executor = await executorNotice(db, a);
  return { ...a, expired: a.status === 'pending_approval' && a.expiresAt.getTime() <= Date.now(), ...(executor.serving ? {} : { executor }) };
};

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
      schema: {
        tags: ['actions'],
        summary: 'Self-healing: the arbiter policy rules that approve low-risk actions without a person (none by default)',
        response: { 200: Type.Object({ controlVersion: Type.Integer(), selfHealing: Type.Boolean(), rules: Type.Array(Type.Object({}, { additionalProperties: true })) }) },
      },
    },
    async () => {
      const snapshot = await getSnapshot(ctx.db);
      const rules = listPolicyRules(snapshot);
      return { controlVersion: snapshot.version, selfHealing: rules.some((r) => r.active), rules };
    },
  );

  app.get(
    '/v1/actions',
    {
      config: { permission: 'kubernetes:read' },
      schema: {
        tags: ['actions'],
        summary: 'Action requests, newest first (only the caller\'s namespaces)',
        querystring: Type.Object({ status: Type.Optional(Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s)))), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Action) }), ...errors(400) },
      },
    },
    async (request) => {
      const items = await listActionRequests(ctx.db, request.principal ?? null, { ...(request.query.status ? { status: request.query.status } : {}), limit: request.query.limit ?? 50 });
      return { items: await Promise.all(items.map((a) => view(ctx.db, a))) };
    },
  );

  app.get(
    '/v1/actions/:id',
    { config: { permission: 'kubernetes:read' }, schema: { tags: ['actions'], summary: 'One action request with its dry-run diff, decision and verification', params: IdParams, response: { 200: Action, ...errors(400, 404) } } },
    async (request) => view(ctx.db, await showAction(ctx.db, request.principal ?? null, request.params.id)),
  );

  app.post(
    '/v1/actions',
    { config: { permission: 'kubernetes:write' }, schema: { tags: ['actions'], summary: 'Propose an action; the executor dry-runs it, then it waits for approval', body: ProposeBody, response: { 201: Action, ...errors(400, 403, 503) } } },
    async (request, reply) => {
      const principal = signedIn(request, 'proposing an action');
      const { action, target, params, reason } = request.body;
      const created = await proposeAction(ctx.db, { principal }, { action, target, params: params ?? {}, reason });
      return reply.code(201).send(await view(ctx.db, created));
    },
  );

  const decide = (verb: 'approve' | 'reject', fn: typeof approveAction) =>
    app.post(
      `/v1/actions/:id/${verb}`,
      { config: { permission: 'kubernetes:write' }, schema: { tags: ['actions'], summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a dry-run action (by another person than the one who proposed it)`, params: IdParams, body: DecisionBody, response: { 200: Action, ...errors(400, 403, 404, 409) } } },
      async (request) => {
        const principal = signedIn(request, `${verb === 'approve' ? 'approving' : 'rejecting'} an action`);
        const decision: Decision = { reason: request.body.reason, ...(request.body.allowDestructive !== undefined ? { allowDestructive: request.body.allowDestructive } : {}) };
        try {
          return await view(ctx.db, await fn(ctx.db, principal, request.params.id, decision));
        } catch (e) {
          if (isSyntraError(e) && ['forbidden', 'read_only_key', 'conflict'].includes(e.code)) {
            await appendAudit(ctx.db, { ...actorOf(principal), action: `action.${verb}`, target: `action:${request.params.id}`, ip: request.ip, result: 'denied', details: { code: e.code, reason: e.message } });
          }
          throw e;
        }
      },
    );
  decide('approve', approveAction);
  decide('reject', rejectAction);
};
