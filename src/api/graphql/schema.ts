import { Type, type TSchema } from '@sinclair/typebox';
import { GraphQLBoolean, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, type GraphQLFieldConfig, type GraphQLFieldConfigArgumentMap, type GraphQLOutputType } from './graphql-js.js';
import * as control from '../../control-plane/control-registry/index.js';
import { embedderFromEnv, type Embedder } from '../../incidents/index.js';
import { knownKinds, listWorkers } from '../../control-plane/workers.js';
import { namespaceFilter } from '../../access/principal.js';
import { SyntraError } from '../../domain/errors.js';
import { CreateBody as CreateKeyBody, KeyView, RotateBody, keyView } from '../routes/keys.js';
import { CreateBody as InviteBody, ListQuery as UsersQuery, UpdateBody as UpdateUserBody, UserView, userView } from '../routes/users.js';
import { AuditEventView, AuditQuery } from '../routes/audit.js';
import { Cancelled, CancelBody, ListQuery as RunsQuery, Run, RunDetail, RunPage } from '../routes/runs.js';
import { SubmitBody, Submitted } from '../routes/commands.js';
import { Change, HistoryPage, HistoryQuery, Snapshot, WriteResult, withReason } from '../routes/control.js';
import { FeedbackBody, Feedback as FeedbackView, Incident, IncidentDetail, IncidentListQuery, Note, SearchQuery as IncidentSearchQuery, SearchResult, SimilarIncident, TagsBody } from '../routes/incidents.js';
import { changeIncidentStatus, changeIncidentTags, incidentFeedback, searchVisibleIncidents, similarToIncident, visibleIncident, visibleIncidents, type FeedbackBody as FeedbackInput, type IncidentListFilter, type IncidentSearch } from '../operations/incidents.js';
import { WorkerView } from '../routes/workers.js';
import { ActionList, ActionListQuery, ActionPolicies, ActionView, DecisionBody, decisionOf } from '../routes/actions.js';
import { actionPolicies, decideAction, visibleAction, visibleActions } from '../operations/actions.js';
import type { ActionStatus } from '../../agents/actions/store.js';
import { SystemStatus } from '../routes/health.js';
import { systemStatus } from '../operations/system.js';
import { Me } from '../routes/auth.js';
import { Window } from '../routes/rate-limit.js';
import { Uuid } from '../schemas.js';
import { cancelVisibleRun, submitRun, visibleRun, visibleRuns, type RunListFilter } from '../operations/runs.js';
import { createKey, keysUsage, listKeys, revokeKey, rotateKey, type CreateKeyBody as CreateKeyInput } from '../operations/keys.js';
import { changeUser, inviteUser, usersPage, visibleAudit, type AuditFilter, type InviteUserBody, type UpdateUserBody as UpdateUserInput } from '../operations/users.js';
import { changeControl, ControlDiff, controlHistory, diffControl } from '../operations/control.js';
import { auditOutcome, auditRequest, type Caller } from '../plugins/auth.js';
import { authorize, callerOf, type GraphQLContext, type Need } from './context.js';
import { TypeBoxTypes } from './from-typebox.js';
import { checked } from './validate.js';
import { coded } from './errors.js';
import { controlChanges, incidentUpdates, runEvents, runUpdates } from './subscriptions.js';

/**
 * The GraphQL schema, code-first: every type is derived from the TypeBox schema of the REST route
 * that serves the same data (from-typebox.ts), every argument set is validated by the REST
 * route's own schema (validate.ts), and every resolver calls the same service function as its
 * REST route (src/api/operations). Permissions per field are the REST routes' permissions.
 */
type Args = Record<string, unknown>;
type Resolve = (args: Args, ctx: GraphQLContext) => Promise<unknown>;

const t = new TypeBoxTypes();

/** The same embedder as REST search and the workers' (both read SYNTRA_EMBEDDINGS_*), so query and stored vectors compare. */
const embedders = new WeakMap<GraphQLContext['api']['db'], Embedder>();
function incidentEmbedder(db: GraphQLContext['api']['db']): Embedder {
  let embedder = embedders.get(db);
  if (!embedder) embedders.set(db, (embedder = embedderFromEnv(process.env, db)));
  return embedder;
}

const IdArgs = (name: string) => Type.Object({ [name]: Uuid }, { additionalProperties: false });

function query(name: string, type: GraphQLOutputType, need: Need, argsSchema: TSchema | undefined, resolve: Resolve): GraphQLFieldConfig<unknown, GraphQLContext> {
  return {
    type,
    ...(argsSchema ? { args: t.args(argsSchema, `${name[0]!.toUpperCase()}${name.slice(1)}Args`) } : {}),
    resolve: async (_root, args: Args, ctx) => {
      await authorize(ctx, name, need);
      return resolve(argsSchema ? checked<Args>(argsSchema, args, 'args') : {}, ctx);
    },
  };
}

type Act = (args: Args, ctx: GraphQLContext, caller: Caller) => Promise<unknown>;

/**
 * A mutation: authorized, validated, run through the service function, and audited — by the
 * service (key.create, control.*, …) or, when it records nothing itself, here (graphql.<name>),
 * as the REST layer audits every change a route did not audit itself.
 */
function mutation(name: string, type: GraphQLOutputType, need: Need, args: GraphQLFieldConfigArgumentMap, argsSchema: TSchema, act: Act): GraphQLFieldConfig<unknown, GraphQLContext> {
  return {
    type,
    args,
    resolve: async (_root, raw: Args, ctx) => {
      await authorize(ctx, name, need);
      const caller = callerOf(ctx);
      const input = checked<Args>(argsSchema, raw, 'args');
      const target = Object.values(input).find((v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)) ?? null;
      try {
        const out = await act(input, ctx, caller);
        if (!caller.auditRecorded) await auditRequest(ctx.access, caller, { action: `graphql.${name}`, result: 'ok', target });
        return out;
      } catch (e) {
        const status = e instanceof SyntraError ? e.status : 500;
        if (!caller.auditRecorded) await auditRequest(ctx.access, caller, { action: `graphql.${name}`, result: auditOutcome(status), target, details: { code: e instanceof SyntraError ? e.code : 'internal' } });
        throw e;
      }
    },
  };
}

/** Mutation args `input: <Name>Input!` plus optional scalar extras, validated as one object. */
function withInput(inputSchema: TSchema, typeName: string, extra: Record<string, TSchema> = {}) {
  const argsSchema = Type.Object({ input: inputSchema, ...extra }, { additionalProperties: false });
  return { args: t.args(argsSchema, typeName), argsSchema };
}

const RunType = t.output(Run, 'Run');
const Types = {
  run: RunType,
  runDetail: t.output(RunDetail, 'RunDetail'),
  runPage: t.output(RunPage, 'RunPage'),
  submitted: t.output(Submitted, 'Submitted'),
  cancelled: t.output(Cancelled, 'Cancelled'),
  incident: t.output(IncidentDetail, 'IncidentDetail'),
  incidentSummary: t.output(Incident, 'Incident'),
  incidentPage: t.output(Type.Object({ items: Type.Array(Incident), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 'IncidentPage'),
  incidentSearch: t.output(SearchResult, 'IncidentSearchResult'),
  similarIncidents: t.output(Type.Object({ items: Type.Array(SimilarIncident) }), 'SimilarIncidents'),
  feedbackResult: t.output(Type.Object({ incident: Incident, feedback: FeedbackView }), 'IncidentFeedbackResult'),
  snapshot: t.output(Snapshot, 'ControlSnapshot'),
  change: t.output(Change, 'ControlChange'),
  history: t.output(HistoryPage, 'ControlHistoryPage'),
  diff: t.output(ControlDiff, 'ControlDiff'),
  writeResult: t.output(WriteResult, 'ControlWriteResult'),
  key: t.output(KeyView, 'ApiKey'),
  keyList: t.output(Type.Object({ items: Type.Array(KeyView) }), 'KeyList'),
  createdKey: t.output(Type.Object({ secret: Type.String(), key: KeyView }), 'CreatedKey'),
  rotatedKey: t.output(Type.Object({ secret: Type.String(), key: KeyView, previous: KeyView }), 'RotatedKey'),
  user: t.output(UserView, 'User'),
  userPage: t.output(Type.Object({ items: Type.Array(UserView), nextCursor: Type.Union([Uuid, Type.Null()]) }), 'UserPage'),
  auditPage: t.output(Type.Object({ events: Type.Array(AuditEventView), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 'AuditPage'),
  workers: t.output(Type.Object({ items: Type.Array(WorkerView), knownKinds: Type.Array(Type.String()) }), 'Workers'),
  me: t.output(Me, 'Me'),
  keysUsage: t.output(Type.Object({ items: Type.Array(Type.Object({ keyId: Uuid, windows: Type.Array(Window) })) }), 'KeysUsage'),
  system: t.output(SystemStatus, 'SystemStatus'),
  action: t.output(ActionView, 'Action'),
  actionList: t.output(ActionList, 'ActionList'),
  actionPolicies: t.output(ActionPolicies, 'ActionPolicies'),
  rateLimit: t.output(Type.Object({ subject: Type.String(), windows: Type.Array(Window) }), 'RateLimitUsage'),
};

const nullable = (type: GraphQLOutputType): GraphQLOutputType => (type instanceof GraphQLNonNull ? (type.ofType as GraphQLOutputType) : type);

const READ_RUNS: Need = { permission: 'runs:read' };
const WRITE_RUNS: Need = { permission: 'runs:write' };
const READ_INCIDENTS: Need = { permission: 'incident:read' };
const WRITE_INCIDENTS: Need = { permission: 'incident:create' };
const READ_CONTROL: Need = { permission: 'control:read' };
const WRITE_CONTROL: Need = { permission: 'control:write', tenantWide: true };
const READ_KUBERNETES: Need = { permission: 'kubernetes:read' };
const WRITE_KUBERNETES: Need = { permission: 'kubernetes:write' };
const KEYS: Need = { permission: 'keys:manage', tenantWide: true };
const USERS: Need = { permission: 'users:manage', tenantWide: true };

const queryType = new GraphQLObjectType<unknown, GraphQLContext>({
  name: 'Query',
  fields: {
    me: query('me', Types.me, { permission: 'self' }, undefined, async (_a, ctx) => {
      const p = ctx.principal!;
      return { ...p, roles: [...p.roles], permissions: [...p.permissions], namespaces: p.namespaces ? [...p.namespaces] : null };
    }),
    runs: query('runs', Types.runPage, READ_RUNS, RunsQuery, async (a, ctx) => visibleRuns(ctx.api.db, ctx.principal, a as RunListFilter, 'args.since')),
    // Nullable: another namespace's run is null plus a not_found error, never data.
    run: query('run', nullable(Types.runDetail), READ_RUNS, IdArgs('id'), async (a, ctx) => visibleRun(ctx.api.db, ctx.principal, a.id as string)),
    incidents: query('incidents', Types.incidentPage, READ_INCIDENTS, IncidentListQuery, async (a, ctx) => visibleIncidents(ctx.api.db, ctx.principal, a as IncidentListFilter)),
    // Nullable: another namespace's incident is null plus a not_found error, never data.
    incident: query('incident', nullable(Types.incident), READ_INCIDENTS, IdArgs('id'), async (a, ctx) => visibleIncident(ctx.api.db, ctx.principal, a.id as string)),
    searchIncidents: query('searchIncidents', Types.incidentSearch, READ_INCIDENTS, IncidentSearchQuery, async (a, ctx) => searchVisibleIncidents(ctx.api.db, incidentEmbedder(ctx.api.db), ctx.principal, a as unknown as IncidentSearch)),
    similarIncidents: query('similarIncidents', Types.similarIncidents, READ_INCIDENTS, Type.Object({ id: Uuid, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) }, { additionalProperties: false }), async (a, ctx) => ({
      items: await similarToIncident(ctx.api.db, ctx.principal, a.id as string, (a.limit as number | undefined) ?? 3),
    })),
    actions: query('actions', Types.actionList, READ_KUBERNETES, ActionListQuery, async (a, ctx) => visibleActions(ctx.api.db, ctx.principal, a as { status?: ActionStatus; limit?: number })),
    // Nullable: another namespace's action is null plus a not_found error, never data.
    action: query('action', nullable(Types.action), READ_KUBERNETES, IdArgs('id'), async (a, ctx) => visibleAction(ctx.api.db, ctx.principal, a.id as string)),
    actionPolicies: query('actionPolicies', Types.actionPolicies, READ_KUBERNETES, undefined, async (_a, ctx) => actionPolicies(ctx.api.db)),
    controlSnapshot: query('controlSnapshot', Types.snapshot, READ_CONTROL, Type.Object({ version: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }), async (a, ctx) =>
      control.getSnapshot(ctx.api.db, { version: a.version as number | undefined }),
    ),
    controlHistory: query('controlHistory', Types.history, READ_CONTROL, HistoryQuery, async (a, ctx) => {
      return controlHistory(ctx.api.db, a as Parameters<typeof controlHistory>[1]);
    }),
    controlDiff: query('controlDiff', Types.diff, READ_CONTROL, Type.Object({ from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), async (a, ctx) =>
      diffControl(ctx.api.db, a.from as number, a.to as number),
    ),
    keys: query('keys', Types.keyList, KEYS, Type.Object({ ownerId: Type.Optional(Uuid), includeRevoked: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), async (a, ctx) => ({
      items: (await listKeys(ctx.access, a)).map(keyView),
    })),
    keysUsage: query('keysUsage', Types.keysUsage, KEYS, Type.Object({ includeRevoked: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), async (a, ctx) => ({
      items: await keysUsage(ctx.access, await listKeys(ctx.access, a)),
    })),
    users: query('users', Types.userPage, USERS, UsersQuery, async (a, ctx) => {
      const page = await usersPage(ctx.access, a);
      return { items: page.items.map(userView), nextCursor: page.nextCursor };
    }),
    audit: query('audit', Types.auditPage, { permission: 'audit:read' }, AuditQuery, async (a, ctx) => visibleAudit(ctx.access, ctx.principal!, a as AuditFilter)),
    workers: query('workers', Types.workers, READ_CONTROL, undefined, async (_a, ctx) => {
      const [items, kinds] = await Promise.all([listWorkers(ctx.api.db, { namespaces: namespaceFilter(ctx.principal) }), knownKinds(ctx.api.db)]);
      return { items, knownKinds: kinds };
    }),
    system: query('system', Types.system, READ_CONTROL, undefined, async (_a, ctx) => systemStatus(ctx.api)),
    rateLimit: query('rateLimit', nullable(Types.rateLimit), { permission: 'self' }, undefined, async (_a, ctx) => {
      const d = ctx.rateLimitDecision;
      if (!d) throw new SyntraError('bad_request', 'rate-limit usage is reported for HTTP requests, not over a WebSocket');
      const now = ctx.access.clock();
      return {
        subject: d.subject,
        windows: d.windows.map((w) => ({ ...w, resetAt: new Date(w.resetAt).toISOString(), resetSeconds: Math.max(0, Math.ceil((w.resetAt - now) / 1000)) })),
      };
    }),
  },
});

const submit = withInput(SubmitBody, 'Submit', { idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });
const cancel = { argsSchema: Type.Object({ runId: Uuid, reason: CancelBody.properties.reason }, { additionalProperties: false }) };
const feedbackArgs = withInput(FeedbackBody, 'IncidentFeedback', { incidentId: Uuid });
const noteArgs = { argsSchema: Type.Object({ incidentId: Uuid, note: Type.Optional(Note) }, { additionalProperties: false }) };
const tagsArgs = withInput(TagsBody, 'TagIncident', { incidentId: Uuid });
const createKeyArgs = withInput(CreateKeyBody, 'CreateKey');
const rotateArgs = { argsSchema: Type.Object({ keyId: Uuid, graceSeconds: RotateBody.properties.graceSeconds }, { additionalProperties: false }) };
const revokeArgs = { argsSchema: IdArgs('keyId') };
const inviteArgs = withInput(InviteBody, 'InviteUser');
const decisionArgs = { argsSchema: Type.Object({ id: Uuid, ...DecisionBody.properties }, { additionalProperties: false }) };
const updateUserArgs = withInput(UpdateUserBody, 'UpdateUser', { userId: Uuid });

function controlMutation<I>(name: string, input: Parameters<typeof withReason>[0], write: control.ControlWrite<I>) {
  const { args, argsSchema } = withInput(withReason(input), `${name[0]!.toUpperCase()}${name.slice(1)}`);
  return mutation(name, Types.writeResult, WRITE_CONTROL, args, argsSchema, (a, ctx, caller) => changeControl(ctx.api.db, caller, write, a.input as I & { reason: string }));
}

const mutationType = new GraphQLObjectType<unknown, GraphQLContext>({
  name: 'Mutation',
  fields: {
    submit: mutation('submit', new GraphQLObjectType({ name: 'SubmitResult', fields: { ...(nullable(Types.submitted) as GraphQLObjectType).toConfig().fields, created: { type: new GraphQLNonNull(GraphQLBoolean) } } }), WRITE_RUNS, submit.args, submit.argsSchema, (a, ctx, caller) =>
      submitRun(ctx.api, caller, a.input as Parameters<typeof submitRun>[2], a.idempotencyKey as string | undefined),
    ),
    cancelRun: mutation('cancelRun', Types.cancelled, WRITE_RUNS, t.args(cancel.argsSchema, 'CancelRun'), cancel.argsSchema, (a, ctx, caller) => cancelVisibleRun(ctx.api, caller, a.runId as string, a.reason as string | undefined)),
    incidentFeedback: mutation('incidentFeedback', Types.feedbackResult, WRITE_INCIDENTS, feedbackArgs.args, feedbackArgs.argsSchema, (a, ctx, caller) => incidentFeedback(ctx.api.db, caller, a.incidentId as string, a.input as FeedbackInput)),
    resolveIncident: mutation('resolveIncident', Types.incidentSummary, WRITE_INCIDENTS, t.args(noteArgs.argsSchema, 'ResolveIncident'), noteArgs.argsSchema, (a, ctx, caller) =>
      changeIncidentStatus(ctx.api.db, caller, a.incidentId as string, 'resolved', a.note as string | undefined),
    ),
    reopenIncident: mutation('reopenIncident', Types.incidentSummary, WRITE_INCIDENTS, t.args(noteArgs.argsSchema, 'ReopenIncident'), noteArgs.argsSchema, (a, ctx, caller) =>
      changeIncidentStatus(ctx.api.db, caller, a.incidentId as string, 'open', a.note as string | undefined),
    ),
    tagIncident: mutation('tagIncident', Types.incidentSummary, WRITE_INCIDENTS, tagsArgs.args, tagsArgs.argsSchema, (a, ctx, caller) => changeIncidentTags(ctx.api.db, caller, a.incidentId as string, a.input as { add?: string[]; remove?: string[] })),
    approveAction: mutation('approveAction', Types.action, WRITE_KUBERNETES, t.args(decisionArgs.argsSchema, 'ApproveAction'), decisionArgs.argsSchema, (a, ctx, caller) =>
      decideAction(ctx.api.db, caller, 'approve', a.id as string, decisionOf(a as { reason: string; allowDestructive?: boolean })),
    ),
    rejectAction: mutation('rejectAction', Types.action, WRITE_KUBERNETES, t.args(decisionArgs.argsSchema, 'RejectAction'), decisionArgs.argsSchema, (a, ctx, caller) =>
      decideAction(ctx.api.db, caller, 'reject', a.id as string, decisionOf(a as { reason: string; allowDestructive?: boolean })),
    ),
    activatePrompt: controlMutation('activatePrompt', control.ActivatePromptInput, control.activatePrompt),
    registerSkill: controlMutation('registerSkill', control.Skill, control.registerSkill),
    removeSkill: controlMutation('removeSkill', control.RemoveEntityInput, control.removeSkill),
    registerTool: controlMutation('registerTool', control.ToolDefinition, control.registerTool),
    removeTool: controlMutation('removeTool', control.RemoveEntityInput, control.removeTool),
    updateRoutingRules: controlMutation('updateRoutingRules', control.UpdateRoutingRulesInput, control.updateRoutingRules),
    updateArbiter: controlMutation('updateArbiter', control.UpdateArbiterInput, control.updateArbiter),
    rollbackControl: controlMutation('rollbackControl', control.RollbackInput, control.rollback),
    createKey: mutation('createKey', Types.createdKey, KEYS, createKeyArgs.args, createKeyArgs.argsSchema, async (a, ctx, caller) => {
      const { key, secret } = await createKey(ctx.access, caller, a.input as CreateKeyInput);
      return { secret, key: keyView(key) };
    }),
    rotateKey: mutation('rotateKey', Types.rotatedKey, KEYS, t.args(rotateArgs.argsSchema, 'RotateKey'), rotateArgs.argsSchema, async (a, ctx, caller) => {
      const r = await rotateKey(ctx.access, caller, a.keyId as string, a.graceSeconds as number | undefined);
      return { secret: r.secret, key: keyView(r.key), previous: keyView(r.previous) };
    }),
    revokeKey: mutation('revokeKey', Types.key, KEYS, t.args(revokeArgs.argsSchema, 'RevokeKey'), revokeArgs.argsSchema, async (a, ctx, caller) => keyView(await revokeKey(ctx.access, caller, a.keyId as string))),
    inviteUser: mutation('inviteUser', Types.user, USERS, inviteArgs.args, inviteArgs.argsSchema, async (a, ctx, caller) => userView(await inviteUser(ctx.access, caller, a.input as InviteUserBody))),
    updateUser: mutation('updateUser', Types.user, USERS, updateUserArgs.args, updateUserArgs.argsSchema, async (a, ctx, caller) =>
      userView(await changeUser(ctx.access, caller, a.userId as string, a.input as UpdateUserInput)),
    ),
  },
});

const EventsArgs = Type.Object({ runId: Uuid, afterSeq: Type.Optional(Type.Integer({ minimum: 0, description: 'resume after this ledger seq' })) }, { additionalProperties: false });
const ChangesArgs = Type.Object({ afterVersion: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false });

function subscription(name: string, type: GraphQLOutputType, need: Need, argsSchema: TSchema | undefined, start: (args: Args, ctx: GraphQLContext) => Promise<AsyncIterable<unknown>>): GraphQLFieldConfig<unknown, GraphQLContext> {
  return {
    type,
    ...(argsSchema ? { args: t.args(argsSchema, `${name[0]!.toUpperCase()}${name.slice(1)}Args`) } : {}),
    subscribe: async (_root, args: Args, ctx) => {
      try {
        await authorize(ctx, name, need);
        return await start(argsSchema ? checked<Args>(argsSchema, args, 'args') : {}, ctx);
      } catch (e) {
        throw coded(e);
      }
    },
    resolve: (payload: unknown) => payload,
  };
}

const subscriptionType = new GraphQLObjectType<unknown, GraphQLContext>({
  name: 'Subscription',
  fields: {
    runEvents: subscription('runEvents', t.output(Type.Object({}, { additionalProperties: true, description: 'a ledger event: id, runId, seq, taskId, type, actor, data, createdAt' }), 'LedgerEvent'), READ_RUNS, EventsArgs, (a, ctx) =>
      runEvents(ctx, a.runId as string, (a.afterSeq as number | undefined) ?? 0),
    ),
    runUpdates: subscription('runUpdates', RunType, READ_RUNS, undefined, async (_a, ctx) => runUpdates(ctx)),
    incidentUpdates: subscription('incidentUpdates', Types.incidentSummary, READ_INCIDENTS, undefined, async (_a, ctx) => incidentUpdates(ctx)),
    controlChanges: subscription('controlChanges', Types.change, READ_CONTROL, ChangesArgs, (a, ctx) => controlChanges(ctx, a.afterVersion as number | undefined)),
  },
});

export function buildGraphQLSchema(): GraphQLSchema {
  return new GraphQLSchema({ query: queryType, mutation: mutationType, subscription: subscriptionType });
}
