import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { renderPrompt, resolveRoute, type ControlSnapshot } from '../control-plane/control-registry/index.js';
import { PROMPT_NAMES } from './kubernetes/prompts.js';
import { errorMessage, isSyntraError } from '../domain/errors.js';
import { chatJson } from '../llm/structured.js';
import { callsOfFailure, usageLedgerPayload } from '../llm/usage.js';
import type { ClusterIndex } from '../investigator/planner/cluster-index.js';
import { INTENTS, type Plan } from '../investigator/planner/plan.js';
import { planRequest } from '../investigator/planner/rule-planner.js';
import type { AgentDeps } from './deps.js';
import type { Question } from './pipeline-state.js';
import { MODEL_CALL, type StepRecorder } from './step-recorder.js';
import { routeOf } from './steps.js';

/**
 * Planning. The rule planner by default (offline, explains every resolution); when a model is
 * routed for `plan`, the model reads the request and proposes an intent and the names it
 * mentions — and the rule planner still resolves those names against the cluster, so a model
 * can never make Syntra guess a namespace or a pod silently. Any model failure → rules.
 */
const ModelPlan = Type.Object({
  intent: Type.Union(INTENTS.map((i) => Type.Literal(i))),
  namespace: Type.Optional(Type.Union([Type.String({ maxLength: 253 }), Type.Null()])),
  name: Type.Optional(Type.Union([Type.String({ maxLength: 253 }), Type.Null()])),
});
type ModelPlan = Static<typeof ModelPlan>;

function validatePlan(value: unknown): ModelPlan | Error {
  if (Value.Check(ModelPlan, value)) return value;
  const first = [...Value.Errors(ModelPlan, value)][0];
  return new Error(`plan JSON does not match {intent, namespace?, name?}: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`);
}

const NEEDS_NO_TARGET = new Set(['explain', 'general_help']);

export async function makePlan(
  deps: AgentDeps,
  snapshot: ControlSnapshot,
  question: Question,
  index: ClusterIndex,
  rec: StepRecorder,
  signal: AbortSignal,
): Promise<Plan> {
  const rulePlan = () => planRequest({ prompt: question.prompt, ...(question.namespace ? { namespace: question.namespace } : {}), ...(question.podName ? { podName: question.podName } : {}) }, index);
  const query = routeOf('ask');
  const route = query ? resolveRoute(snapshot, query) : undefined;
  if (!route) return rulePlan();
  if (!deps.providers.get(route.provider)) {
    rec.record('model.unavailable', { purpose: 'plan', provider: route.provider, reason: deps.providers.describe() });
    return rulePlan();
  }
  const { provider, model } = deps.providers.resolve(route);
  const prompt = snapshot.prompts[PROMPT_NAMES.planner];
  try {
    const res = await chatJson(
      provider,
      {
        model,
        ...(prompt ? { system: renderPrompt(prompt, {}) } : {}),
        messages: [
          {
            role: 'user',
            content: JSON.stringify({
              request: question.prompt,
              ...(question.context ? { context: question.context } : {}),
              answer_with: '{"intent": one of ' + INTENTS.join('|') + ', "namespace": string|null, "name": pod or workload name|null}',
              namespaces: index.namespaces,
              workloads: index.workloads.slice(0, 200).map((w) => `${w.namespace}/${w.name}`),
            }),
          },
        ],
        ...(route.params?.temperature !== undefined ? { temperature: route.params.temperature } : {}),
        ...(route.params?.maxTokens !== undefined ? { maxTokens: route.params.maxTokens } : {}),
      },
      validatePlan,
      { signal, ...(route.params?.timeoutMs ? { deadlineMs: route.params.timeoutMs } : {}) },
    );
    for (const r of res.responses) rec.record(MODEL_CALL, { purpose: 'plan', ...usageLedgerPayload(r) });
    const proposal = res.value;
    const resolved = planRequest(
      {
        prompt: question.prompt,
        ...((question.namespace ?? proposal.namespace) ? { namespace: (question.namespace ?? proposal.namespace)! } : {}),
        ...((question.podName ?? proposal.name) ? { podName: (question.podName ?? proposal.name)! } : {}),
      },
      index,
    );
    const intent = NEEDS_NO_TARGET.has(proposal.intent) ? proposal.intent : resolved.intent;
    return {
      ...resolved,
      intent,
      ...(NEEDS_NO_TARGET.has(proposal.intent) ? { required_info: [] } : {}),
      method: 'llm',
      notes: [...resolved.notes, `model ${provider.name}/${model} proposed intent ${proposal.intent}`],
    };
  } catch (e) {
    if (signal.aborted) throw e;
    for (const call of callsOfFailure(e)) rec.record(MODEL_CALL, { purpose: 'plan', ...call });
    rec.record('model.failed', { purpose: 'plan', provider: provider.name, model, error: errorMessage(e), ...(isSyntraError(e) ? { code: e.code } : {}), fallback: 'rule_planner' });
    return rulePlan();
  }
}
