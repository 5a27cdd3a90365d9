/**
 * What the planner (the incident commander) answers: an intent and its parameters. Which steps
 * run for an intent is the pipeline's business (src/agents/steps.ts), not the planner's.
 */
export const INTENTS = ['diagnose_pod', 'diagnose_workload', 'namespace_overview', 'collect_evidence', 'explain', 'general_help'] as const;
export type Intent = (typeof INTENTS)[number];

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface PlanRequest {
  prompt: string;
  /** Explicit parameters win over what the prompt says. */
  namespace?: string;
  podName?: string;
}

export interface PlanParams {
  namespace?: string;
  /** The workload the question is about, when the name resolved to one. */
  workload?: { kind: WorkloadKind; name: string };
  /** Concrete pods to look at (a named pod, or the pods of the workload). */
  pods?: string[];
  /** For `explain`: the error text to explain. */
  errorText?: string;
}

export interface Plan {
  intent: Intent;
  params: PlanParams;
  /** What is missing before the plan can run, e.g. ["namespace"]; never guessed silently. */
  required_info?: string[];
  /** Lists the candidates when information is missing or ambiguous. */
  hint?: string;
  method: 'rule_based' | 'llm';
  /** Every resolution the planner made, so a person can see why ("prod" → "production"). */
  notes: string[];
}
