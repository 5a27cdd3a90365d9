/** What the planner (the incident commander) answers: an intent, its parameters and the steps. */
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

export interface PlanStep {
  agent: 'planner' | 'evidence_collector' | 'incident_analyst' | 'reviewer' | 'reporter';
  task: 'plan' | 'collect_evidence' | 'analyze' | 'review' | 'report';
  description: string;
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
  steps: PlanStep[];
  /** What is missing before the plan can run, e.g. ["namespace"]; never guessed silently. */
  required_info?: string[];
  /** Lists the candidates when information is missing or ambiguous. */
  hint?: string;
  method: 'rule_based' | 'llm';
  /** Every resolution the planner made, so a person can see why ("prod" → "production"). */
  notes: string[];
}

const STEP_DESCRIPTIONS: Record<PlanStep['task'], [PlanStep['agent'], string]> = {
  plan: ['planner', 'understand the request and resolve names against the cluster'],
  collect_evidence: ['evidence_collector', 'read pod state, logs (current and previous), events and related resources'],
  analyze: ['incident_analyst', 'run the rule-based analyzers; ask the routed model only when the rules are unsure'],
  review: ['reviewer', 'check the root cause is backed by evidence, remediation is safe and no secret leaks'],
  report: ['reporter', 'write the Markdown and JSON incident report and update the incident record'],
};

export function stepsFor(intent: Intent): PlanStep[] {
  const tasks: PlanStep['task'][] =
    intent === 'general_help' || intent === 'explain'
      ? ['plan', 'report']
      : intent === 'collect_evidence'
        ? ['plan', 'collect_evidence', 'report']
        : ['plan', 'collect_evidence', 'analyze', 'review', 'report'];
  return tasks.map((task) => {
    const [agent, description] = STEP_DESCRIPTIONS[task];
    return { agent, task, description };
  });
}
