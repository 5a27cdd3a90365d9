import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import { describeAgents, type AskRunOutput } from '../../agents/index.js';
import { runEventsSubject } from '../../bus/subjects.js';
import { CLUSTER_NAME } from '../../clusters/index.js';
import { getSnapshot } from '../../control-plane/control-registry/index.js';
import { getRun, getRunStatus } from '../../control-plane/runs.js';
import { TERMINAL_RUN_STATUSES, type RunDetail } from '../../control-plane/types.js';
import { ERROR_CATALOGUE, SyntraError, type ErrorCode } from '../../domain/errors.js';
import { CONFIGURED_PROVIDER } from '../../llm/provider.js';
import type { ApiContext } from '../context.js';
import { submitRun } from '../operations/runs.js';
import { errors } from '../schemas.js';
import { listenForWakeups } from '../wakeup.js';

/**
 * The Syntra-compatible interface: POST /api/ask submits an `ask` run and waits for it
 * (bounded); GET /api/health, /api/agents, /api/tools. The asynchronous path stays
 * POST /v1/commands/submit + GET /v1/runs/{id}/events.
 */
const AskBody = Type.Object(
  {
    prompt: Type.String({ minLength: 1, maxLength: 4000, description: 'the question, e.g. "why is auth-service crashing in production?"' }),
    namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    cluster: Type.Optional(Type.String({ pattern: CLUSTER_NAME, description: 'a registered cluster (GET /v1/clusters); omitted: the default cluster' })),
    pod_name: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    context: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Object({}, { additionalProperties: true })])),
  },
  { additionalProperties: false },
);

const AskAnswer = Type.Object(
  {
    response: Type.String(),
    agent_used: Type.String(),
    results: Type.Object({}, { additionalProperties: true }),
    metadata: Type.Object(
      {
        method: Type.Union([Type.String(), Type.Null()]),
        confidence: Type.Union([Type.Number(), Type.Null()]),
        incident_type: Type.Union([Type.String(), Type.Null()]),
        run_id: Type.String(),
        status: Type.String(),
        control_version: Type.Union([Type.Integer(), Type.Null()]),
      },
      { additionalProperties: true },
    ),
    required_info: Type.Optional(Type.Array(Type.String())),
    hint: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

function agentOf(out: AskRunOutput): string {
  if (out.required_info?.length || out.intent === 'general_help' || out.intent === 'explain') return 'planner';
  if (out.intent === 'collect_evidence') return 'evidence_collector';
  return 'incident_analyst';
}

function answerOf(detail: RunDetail): Static<typeof AskAnswer> {
  const run = detail.run;
  const out = run.output as AskRunOutput | null;
  const base = { run_id: run.id, status: run.status };
  if (!out) return { response: '', agent_used: 'planner', results: {}, metadata: { method: null, confidence: null, incident_type: null, control_version: null, ...base } };
  return {
    response: out.answer,
    agent_used: agentOf(out),
    results: {
      intent: out.intent,
      plan: out.plan,
      diagnosis: out.diagnosis,
      report: out.report,
      incident_id: out.incidentId,
      similar_incidents: out.similarIncidents ?? [],
      recurrence: out.recurrence ?? null,
      ...(out.review ? { review: out.review } : {}),
      ...(out.overview ? { overview: out.overview } : {}),
      ...(out.model ? { model: out.model } : {}),
    },
    metadata: { method: out.method, confidence: out.confidence, incident_type: out.diagnosis?.root_cause.type ?? null, control_version: out.controlVersion, ...base },
    ...(out.required_info?.length ? { required_info: out.required_info, hint: out.hint ?? '' } : {}),
  };
}

async function waitForRun(ctx: ApiContext, runId: string, waitMs: number, signal: AbortSignal): Promise<RunDetail | undefined> {
  const wakeup = listenForWakeups(ctx.bus, [runEventsSubject(runId)]);
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const status = (await getRunStatus(ctx.db, runId))?.status;
      if (status && TERMINAL_RUN_STATUSES.has(status)) return (await getRun(ctx.db, runId)) ?? undefined;
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted) return undefined;
      await wakeup.wait(Math.min(left, ctx.timing.eventsPollMs), signal);
    }
  } finally {
    wakeup.close();
  }
}

export const askRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  const waitMs = ctx.timing.askWaitMs;
  // Which provider this installation configures, by name only (the agents hold its settings):
  // a route to any other runs rules-only.
  const provider = process.env.SYNTRA_LLM_PROVIDER?.trim().toLowerCase();
  const configured = (name: string) => provider !== undefined && provider !== '' && (name === provider || name === CONFIGURED_PROVIDER);

  app.post(
    '/api/ask',
    {
      // The strongest of the two it needs (runs:write, kubernetes:read); the other is checked below.
      // A question about a namespace the caller may not read is 403 with the reason.
      config: { permission: 'runs:write' },
      schema: {
        tags: ['investigations'],
        summary: 'Ask a question; waits (bounded) for the investigation and answers with the diagnosis',
        body: AskBody,
        response: { 200: AskAnswer, 202: AskAnswer, ...errors(400, 403, 502, 504) },
      },
    },
    async (request, reply) => {
      const { prompt, pod_name, context, cluster } = request.body;
      // The namespace asked about goes into the question only when the caller named it: the run's
      // own namespace bounds the investigation, and a question about another one is refused there.
      // The same service function as POST /v1/commands/submit: kind, cluster and namespace checks.
      const asked = request.body.namespace;
      const input = { prompt, ...(asked ? { namespace: asked } : {}), ...(pod_name ? { pod_name } : {}), ...(context !== undefined ? { context } : {}) };
      const { runId } = await submitRun(ctx, request, { kind: 'ask', input, ...(asked ? { namespace: asked } : {}), ...(cluster ? { cluster } : {}), metadata: { via: 'api/ask' } });
      const abort = new AbortController();
      const stop = () => abort.abort();
      request.raw.once('close', stop);
      ctx.closing.addEventListener('abort', stop, { once: true });
      try {
        const detail = await waitForRun(ctx, runId, waitMs, abort.signal);
        if (!detail) {
          const pending = (await getRun(ctx.db, runId))!;
          return reply.status(202).send({ ...answerOf(pending), response: `The investigation is still running; follow it at /v1/runs/${runId}/events.` });
        }
        if (detail.run.status !== 'succeeded') {
          const err = (detail.run.error ?? {}) as { code?: string; message?: string };
          const code: ErrorCode = err.code && err.code in ERROR_CATALOGUE ? (err.code as ErrorCode) : 'handler_failed';
          throw new SyntraError(code, `the investigation ${detail.run.status}: ${err.message ?? 'no reason recorded'}`, { details: { run_id: runId, status: detail.run.status } });
        }
        return answerOf(detail);
      } finally {
        ctx.closing.removeEventListener('abort', stop);
      }
    },
  );

  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['investigations'],
        summary: 'Liveness of the investigation interface, and whether a model provider is configured',
        response: { 200: Type.Object({ status: Type.Literal('healthy'), models: Type.Union([Type.Literal('configured'), Type.Literal('rules-only')]) }) },
      },
    },
    // Public: whether a model is configured, never which one, where, or any part of its key
    // (the agents check the provider settings themselves and report problems in each run).
    async () => ({ status: 'healthy' as const, models: process.env.SYNTRA_LLM_PROVIDER?.trim() ? ('configured' as const) : ('rules-only' as const) }),
  );

  app.get(
    '/api/agents',
    {
      config: { permission: 'runs:read' },
      schema: { tags: ['investigations'], summary: 'The agents, their steps and which model route each uses', response: { 200: Type.Object({ control_version: Type.Integer(), agents: Type.Array(Type.Object({}, { additionalProperties: true })) }) } },
    },
    async () => {
      const snapshot = await getSnapshot(ctx.db);
      return { control_version: snapshot.version, agents: describeAgents(snapshot, configured) };
    },
  );

  app.get(
    '/api/tools',
    {
      config: { permission: 'runs:read' },
      schema: { tags: ['investigations'], summary: 'The tools in the control registry (the read-only evidence tools models may call)', response: { 200: Type.Object({ control_version: Type.Integer(), tools: Type.Array(Type.Object({}, { additionalProperties: true })) }) } },
    },
    async () => {
      const snapshot = await getSnapshot(ctx.db);
      return { control_version: snapshot.version, tools: Object.values(snapshot.tools) };
    },
  );
};
