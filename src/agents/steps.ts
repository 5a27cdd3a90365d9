import { INTENTS, type Intent } from '../investigator/planner/plan.js';
import type { StateNeed, StateWith } from './hand-off.js';

/**
 * The agents pipeline, in ONE table, in order. Each row is a step: the task type it runs as, the
 * agent that runs it, the step name the ledger shows, what it does (the catalogue and the plan
 * both show this text), which intents it runs for, what it needs in the state handed to it
 * (checked on both sides of the hand-off, see hand-off.ts), the model route it asks the control
 * registry for (none: it never calls a model). Adding a step is a row here, its file and its
 * handler in register.ts (kept out of this table because the handler modules import the table's
 * helpers: a handler here made an import cycle); the task types, agent names, catalogue and step
 * order derive from it.
 */
const DIAGNOSES = ['diagnose_pod', 'diagnose_workload', 'namespace_overview'] as const satisfies readonly Intent[];
const READS_CLUSTER = [...DIAGNOSES, 'collect_evidence'] as const satisfies readonly Intent[];

export interface StepRoute {
  intent?: string;
  taskType: string;
}

export interface StepRow {
  task: string;
  agent: string;
  step: string;
  description: string;
  intents: readonly Intent[];
  /** `question`: the run's own input (the first step); `state`: a pipeline state handed by a step. */
  input: 'question' | 'state';
  needs: readonly StateNeed[];
  /** The routing query the step asks the control registry with; none → the step never calls a model. */
  route?: StepRoute;
}

export const STEPS = [
  {
    task: 'ask',
    agent: 'planner',
    step: 'plan',
    description: 'understands the request, resolves names against the cluster and answers with an intent and its parameters; asks for missing information',
    intents: INTENTS,
    input: 'question',
    needs: [],
    route: { intent: 'plan', taskType: 'plan' },
  },
  {
    task: 'collect_evidence',
    agent: 'evidence_collector',
    step: 'collect_evidence',
    description: 'checks connectivity, collects pod state, logs (current and previous), events and related resources, masks secrets, stores evidence.json',
    intents: READS_CLUSTER,
    input: 'state',
    needs: [],
  },
  {
    task: 'analyze',
    agent: 'incident_analyst',
    step: 'analyze',
    description: 'rule-based analyzers first; consults the routed model (with read-only evidence tools) only when the rules are unsure',
    intents: DIAGNOSES,
    input: 'state',
    needs: ['evidence'],
    route: { taskType: 'analyze' },
  },
  {
    task: 'review',
    agent: 'reviewer',
    step: 'review',
    description: 'checks the root cause is backed by evidence, commands are read-only or marked as writes needing approval, and no secret leaks; may ask for one more evidence pass',
    intents: DIAGNOSES,
    input: 'state',
    needs: ['evidence', 'analysis'],
  },
  {
    task: 'report',
    agent: 'reporter',
    step: 'report',
    description: 'writes the Markdown and JSON report artifacts, creates or updates the incident record, sets the answer',
    intents: INTENTS,
    input: 'state',
    needs: [],
  },
] as const satisfies readonly StepRow[];

export type Row = (typeof STEPS)[number];
export type AgentTaskType = Row['task'];
export type AgentName = Row['agent'];
/** The steps that take a handed-over pipeline state (all but the first). */
export type PipelineTask = Extract<Row, { input: 'state' }>['task'];
/**
 * The state a step receives: a pipeline state with what the step's row says it needs. For a
 * target known only at run time (a union of tasks) it is what at least one of them accepts;
 * the hand-off checks the actual target's needs when it is queued.
 */
export type StateFor<T extends PipelineTask> = T extends PipelineTask ? StateWith<Extract<Row, { task: T }>['needs'][number]> : never;

export const AGENT_TASK_TYPES: readonly AgentTaskType[] = STEPS.map((s) => s.task);

export function stepOf(task: AgentTaskType): Row {
  const row = STEPS.find((s) => s.task === task);
  if (!row) throw new Error(`no step runs as task type ${task}`);
  return row;
}

export function routeOf(task: AgentTaskType): StepRoute | undefined {
  const row: StepRow = stepOf(task);
  return row.route;
}

/** The steps an intent runs, in order, as the plan and the run output show them. */
export interface PlannedStep {
  agent: AgentName;
  task: string;
  description: string;
}

export function stepsFor(intent: Intent): PlannedStep[] {
  return STEPS.filter((s) => (s.intents as readonly Intent[]).includes(intent)).map((s) => ({ agent: s.agent, task: s.step, description: s.description }));
}

/** The task after `after` for this intent; undefined when `after` is the last. */
export function nextStep(intent: Intent, after: AgentTaskType): PipelineTask | undefined {
  const rows = STEPS.filter((s) => (s.intents as readonly Intent[]).includes(intent));
  const next = rows[rows.findIndex((s) => s.task === after) + 1];
  return next && next.input === 'state' ? next.task : undefined;
}
