import type { DetectionMethod, Diagnosis } from '../domain/diagnosis.js';
import type { Plan } from '../investigator/planner/plan.js';
import type { ProposedAction } from './actions/from-command.js';
import type { EvidenceSummary } from './evidence-summary.js';

/**
 * What one agent hands the next: the question, the plan, the pinned control version and what
 * the steps so far produced. It travels as the follow-up task's input (committed with the
 * completion of the step that produced it), so any worker can pick the next step up.
 * Evidence itself is too big for a task input: it is the `evidence.json` artifact, referenced here.
 */
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
  /** Sum of the calls' list-price estimates in US dollars (src/llm/pricing.ts); absent when no call's price is known. */
  estimatedCostUsd?: number;
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
  /** The writes that are catalogue actions, typed, for approval (absent in states of older builds). */
  actions?: ProposedAction[];
  maskedSecrets: number;
}

/** A type (not an interface) so it is a JSON object for the queue without a cast; checked by hand-off.ts. */
export type PipelineState = {
  question: Question;
  plan: Plan;
  controlVersion: number;
  /** Evidence passes done so far (0 before the first collection). */
  pass: number;
  evidence?: EvidenceRef;
  analysis?: Analysis;
  review?: ReviewOutcome;
};

