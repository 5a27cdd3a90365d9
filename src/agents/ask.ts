import { SyntraError } from '../domain/errors.js';
import type { HandlerResult, TaskContext, TaskHandler } from '../worker/registry.js';
import { checkCluster } from './cluster-check.js';
import { evidenceOf, type AgentDeps } from './deps.js';
import { makePlan } from './llm-planner.js';
import { assertPlanInBound, boundIndex, boundQuestion } from './namespace-bound.js';
import type { PipelineState, Question } from './pipeline-state.js';
import { requiredInfoOutput } from './run-output.js';
import { runStep } from './step-recorder.js';
import { handOff, recorderFor, requireNext } from './step-runner.js';
import { stepsFor } from './steps.js';

/**
 * `ask` — the run kind and the planner step (the incident commander). Pins the control snapshot
 * version for the run, checks the cluster is reachable, resolves the question against the
 * cluster's names and plans. Missing or ambiguous information is an answer (required_info +
 * hint), not a failure: the run succeeds with it and nothing further is queued.
 */
const MAX_PROMPT = 4000;

export function readQuestion(input: unknown): Question {
  const i = (input ?? {}) as Record<string, unknown>;
  const str = (v: unknown, field: string, max: number): string | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' || v.length > max) {
      throw new SyntraError('validation_failed', `${field} must be a string of at most ${max} characters`, { retryable: false, details: { field } });
    }
    return v.trim();
  };
  const prompt = str(i.prompt, 'prompt', MAX_PROMPT);
  if (!prompt) throw new SyntraError('validation_failed', 'prompt is required: the question to investigate', { retryable: false, details: { field: 'prompt' } });
  const namespace = str(i.namespace, 'namespace', 253);
  const podName = str(i.pod_name ?? i.podName, 'pod_name', 253);
  const context = typeof i.context === 'string' ? i.context.slice(0, MAX_PROMPT) : i.context !== undefined && i.context !== null ? JSON.stringify(i.context).slice(0, MAX_PROMPT) : undefined;
  return { prompt, ...(namespace ? { namespace } : {}), ...(podName ? { podName } : {}), ...(context ? { context } : {}) };
}

export function askHandler(deps: AgentDeps): TaskHandler {
  return async (ctx: TaskContext): Promise<HandlerResult> => {
    const rec = recorderFor(ctx, 'ask');
    return runStep(rec, {}, async () => {
      const question = readQuestion(ctx.input);
      const snapshot = deps.controls.current();
      rec.record('control.snapshot', { version: snapshot.version });
      const evidence = await evidenceOf(deps, ctx.item.runId);
      await checkCluster(evidence, rec, ctx.signal);

      const started = performance.now();
      // A run with a namespace reads that namespace only (see namespace-bound.ts).
      const bound = ctx.item.namespace ?? null;
      const index = boundIndex(question, await evidence.index(ctx.signal), bound);
      rec.record('tool.call', {
        tool: 'cluster_index',
        arguments: { source: evidence.kind },
        durationMs: Math.round(performance.now() - started),
        ok: true,
        result: { namespaces: index.namespaces.length, workloads: index.workloads.length, pods: index.pods.length },
      });
      ctx.signal.throwIfAborted();

      const plan = await makePlan(deps, snapshot, boundQuestion(question, bound), index, rec, ctx.signal);
      assertPlanInBound(plan, bound);
      rec.record('plan.created', {
        intent: plan.intent,
        params: plan.params,
        steps: stepsFor(plan.intent).map((s) => s.task),
        method: plan.method,
        notes: plan.notes,
        ...(plan.required_info?.length ? { required_info: plan.required_info, hint: plan.hint } : {}),
      });
      const state: PipelineState = { question, plan, controlVersion: snapshot.version, pass: 0 };

      if (plan.required_info && plan.required_info.length > 0) {
        rec.record('decision', { decision: 'ask_for_information', required_info: plan.required_info, hint: plan.hint ?? '' });
        const output = requiredInfoOutput(state);
        return { output: { intent: plan.intent, required_info: plan.required_info }, runOutput: output, events: rec.finish({ controlVersion: snapshot.version, outcome: 'required_info' }) };
      }
      const next = requireNext(plan.intent, 'ask');
      rec.record('decision', { decision: 'proceed', next });
      return {
        output: { intent: plan.intent, params: plan.params, next },
        followUps: [handOff(next, state)],
        events: rec.finish({ controlVersion: snapshot.version, outcome: plan.intent, next }),
      };
    });
  };
}
