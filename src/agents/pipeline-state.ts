import type { DetectionMethod, Diagnosis } from '../domain/diagnosis.js';
import { SyntraError } from '../domain/errors.js';
import type { Plan, PlanStep } from '../investigator/planner/plan.js';
import type { EvidenceSummary } from './evidence-summary.js';

/**
 * What one agent hands the next: the question, the plan, the pinned control version and what
 * the steps so far produced. It travels as the follow-up task's input (committed with the
 * completion of the step that produced it), so any worker can pick the next step up.
 * Evidence itself is too big for a task input: it is the `evidence.json` artifact, referenced here.
 */
export const TASK_TYPES = {
  ask: 'ask',
  collect: 'collect_evidence',
  analyze: 'analyze',
  review: 'review',
  report: 'report',
} as const;
export type AgentTaskType = (typeof TASK_TYPES)[keyof typeof TASK_TYPES];

export interface Question {
  prompt: string;
  namespace?: string;
  podName?: string;
  /** Free text the caller adds (an alert body, what was tried); shown to models, never parsed for paths. */
  context?: string;
}

export interface EvidenceRef {
  artifact: { name: string; version: number; sha256: string };
  summary: EvidenceSummary;
  /** true for the reviewer's second pass: the whole namespace, longer log tails. */
  wide: boolean;
}

export interface ModelUse {
  provider: string;
  model: string;
  /** rejected: it answered, but the reviewer found its answer not grounded in the evidence. */
  outcome: 'used' | 'failed' | 'not_configured' | 'rejected';
  calls: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  toolSteps: number;
  /** The evidence ids the model's answer cited (checked by the reviewer). */
  cited?: string[];
  error?: string;
}

export interface Analysis {
  diagnosis: Diagnosis;
  method: DetectionMethod;
  confidence: number;
  threshold: number;
  /** What the rules alone said, kept when a model changed the answer. */
  ruleRootCause: Pick<Diagnosis['root_cause'], 'type' | 'confidence' | 'summary'>;
  /** The rules' whole result when a model answered: what stands if the reviewer rejects the answer. */
  rules?: Diagnosis;
  model?: ModelUse;
  /** For namespace overviews: the problems by workload. */
  overview?: { namespace: string; pods: Record<string, number>; problems: Array<{ target: string; type: string; summary: string; confidence: number }> };
}

export interface WriteCommand {
  command: string;
  requiresApproval: boolean;
}

export interface ReviewOutcome {
  approved: boolean;
  /** Each check and whether it passed, for the report. */
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  writes: WriteCommand[];
  maskedSecrets: number;
}

export interface PipelineState {
  question: Question;
  plan: Plan;
  controlVersion: number;
  /** Evidence passes done so far (0 before the first collection). */
  pass: number;
  evidence?: EvidenceRef;
  analysis?: Analysis;
  review?: ReviewOutcome;
}

/** The task after `task` in the plan (undefined when `task` is the last step). */
export function nextTask(plan: Plan, task: PlanStep['task']): PlanStep['task'] | undefined {
  const i = plan.steps.findIndex((s) => s.task === task);
  return i >= 0 ? plan.steps[i + 1]?.task : undefined;
}

/** Follow-up inputs are written by the previous step; a malformed one is a bug, not worth retrying. */
export function readState(input: unknown, needs: ReadonlyArray<'evidence' | 'analysis' | 'review'> = []): PipelineState {
  const s = input as Partial<PipelineState> | null;
  if (!s || typeof s !== 'object' || !s.plan || !s.question || typeof s.controlVersion !== 'number') {
    throw new SyntraError('validation_failed', 'agent task input is not a pipeline state (question, plan, controlVersion)', { retryable: false });
  }
  for (const n of needs) {
    if (!s[n]) throw new SyntraError('validation_failed', `agent task input has no ${n}`, { retryable: false });
  }
  return { pass: 0, ...s } as PipelineState;
}
