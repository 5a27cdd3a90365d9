import type { DetectionMethod, Diagnosis } from '../domain/diagnosis.js';
import type { Intent, Plan } from '../investigator/planner/plan.js';
import type { Recurrence, SimilarIncident } from '../incidents/index.js';
import type { Analysis, PipelineState, ReviewOutcome } from './pipeline-state.js';
import { stepsFor, type PlannedStep } from './steps.js';
import type { ProposedOutcome } from './actions/propose-from-run.js';

/**
 * The output of an `ask` run — the contract clients (POST /api/ask, the CLI, the admin panel)
 * read from `GET /v1/runs/{id}` → `run.output`.
 */
export interface ArtifactRef {
  name: string;
  version: number;
  sha256: string;
}

export interface AskRunOutput {
  /** A short human answer: the root cause and what to do, or what information is missing. */
  answer: string;
  intent: Intent;
  plan: Plan;
  /** The steps the intent ran through (from the step table). */
  steps: PlannedStep[];
  /** The reviewed diagnosis; null for help, explain, evidence-only and required_info answers. */
  diagnosis: Diagnosis | null;
  /** Markdown and JSON incident report artifacts of this run. */
  report: { markdown: ArtifactRef; json: ArtifactRef } | null;
  incidentId: string | null;
  /** Up to three similar past incidents from the memory, verified fixes first (absent before the memory existed). */
  similarIncidents?: SimilarIncident[];
  /** "3rd time in 7 days; last fixed by …" when the same incident recurs within the window. */
  recurrence?: Recurrence | null;
  /** The control registry version the run used, start to finish. */
  controlVersion: number;
  /** How the answer was reached: a detection method, or the planner's method for answers without a diagnosis. */
  method: DetectionMethod | 'rule_based' | 'llm';
  confidence: number | null;
  /** Present when the question cannot be answered without more information. */
  required_info?: string[];
  hint?: string;
  review?: Pick<ReviewOutcome, 'approved' | 'writes' | 'checks'>;
  /** Typed actions the reviewed remediation proposes; with an id when an approval request was created. */
  proposedActions?: ProposedOutcome[];
  model?: Analysis['model'];
  overview?: Analysis['overview'];
}

export function requiredInfoOutput(state: PipelineState): AskRunOutput {
  const plan = state.plan;
  const missing = plan.required_info ?? [];
  return {
    answer: `I need more information before I can investigate: ${missing.join(', ')}.${plan.hint ? ` ${plan.hint}` : ''}`,
    intent: plan.intent,
    plan,
    steps: stepsFor(plan.intent),
    diagnosis: null,
    report: null,
    incidentId: null,
    controlVersion: state.controlVersion,
    method: plan.method,
    confidence: null,
    required_info: missing,
    ...(plan.hint ? { hint: plan.hint } : {}),
  };
}
