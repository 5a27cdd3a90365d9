import type { FollowUp } from '../control-plane/types.js';
import { SyntraError } from '../domain/errors.js';
import type { Intent } from '../investigator/planner/plan.js';
import type { HandlerResult, TaskContext, TaskHandler } from '../worker/registry.js';
import { checkState } from './hand-off.js';
import { nextStep, stepOf, type AgentTaskType, type PipelineTask, type StateFor } from './steps.js';
import { runStep, StepRecorder } from './step-recorder.js';

/**
 * How a step runs and hands over: the recorder is named from the step's row, its input is
 * checked against what the row says the step needs, and a hand-off to the next step is checked
 * against what THAT step needs before it is queued.
 */
export function readStateFor<T extends PipelineTask>(task: T, input: unknown): StateFor<T> {
  // checkState has verified every need the row declares, which is what StateFor<T> says;
  // TypeScript cannot follow a generic task through the table, hence the one assertion.
  return checkState(input, stepOf(task).needs, `input of ${task}`) as StateFor<T>;
}

/** The follow-up task that hands `state` to `to`. */
export function handOff<T extends PipelineTask>(to: T, state: StateFor<T>): FollowUp {
  return { taskType: to, input: checkState(state, stepOf(to).needs, `hand-off to ${to}`) };
}

/** The next step of the intent after `after`; its absence is a bug in the table, not worth retrying. */
export function requireNext(intent: Intent, after: AgentTaskType): PipelineTask {
  const next = nextStep(intent, after);
  if (!next) throw new SyntraError('internal', `the ${intent} pipeline has no step after ${after}`, { retryable: false });
  return next;
}

export function recorderFor(ctx: TaskContext, task: AgentTaskType): StepRecorder {
  const row = stepOf(task);
  return new StepRecorder(ctx, row.agent, row.step);
}

/** A handler for a state-taking step: reads and checks the state, records the step, runs `work`. */
export function pipelineStep<T extends PipelineTask>(
  task: T,
  work: (ctx: TaskContext, state: StateFor<T>, rec: StepRecorder) => Promise<HandlerResult>,
  startData: (state: StateFor<T>) => Record<string, unknown> = () => ({}),
): TaskHandler {
  return async (ctx) => {
    const rec = recorderFor(ctx, task);
    let state: StateFor<T>;
    try {
      state = readStateFor(task, ctx.input);
    } catch (e) {
      return runStep(rec, {}, () => Promise.reject(e));
    }
    return runStep(rec, startData(state), () => work(ctx, state, rec));
  };
}
