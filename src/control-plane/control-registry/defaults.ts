import { EVIDENCE_TOOL_DEFINITIONS } from '../../agents/evidence-tools.js';
import { CONFIGURED_PROVIDER } from '../../llm/provider.js';
import type { ArbiterPolicy, PromptVersion, RoutingRule, Skill, ToolDefinition } from './schemas.js';
import { DEFAULT_ALERT_RULES, DEFAULT_ARBITER_NAME, type ControlState } from './state.js';

/**
 * Version 0: the built-in registry every installation starts from. It has no row in
 * control_change; it is "the built-ins of this build". Once an operator changes anything, the
 * full state (built-ins included) is stored per version, so an upgrade that edits these defaults
 * does not silently alter an existing installation's recorded versions.
 */

export const BUILTIN_PROMPT_VERSION = 'builtin';

/** Prompt names the agents look up. */
export const PROMPT_NAMES = {
  planner: 'planner.system',
  analyst: 'analyst.system',
  analystRequest: 'analyst.request',
  reviewer: 'reviewer.system',
} as const;

export const DEFAULT_ARBITER: ArbiterPolicy = Object.freeze({
  name: DEFAULT_ARBITER_NAME,
  confidenceThreshold: 0.7,
  maxModelSteps: 6,
  writesRequireApproval: true,
  reviewPasses: 1,
});

/**
 * The original design: the analyst asks a model only when the rules are below the arbiter's
 * confidenceThreshold. So `analyze` — and no other step — goes to the provider
 * SYNTRA_LLM_PROVIDER configures (with its SYNTRA_LLM_MODEL); without one, the run stays
 * rules-only and says so. Operators change or remove it like any rule (`syntra control routes`).
 */
export const DEFAULT_ROUTING_RULES: readonly RoutingRule[] = Object.freeze([{ match: { taskType: 'analyze' }, target: { provider: CONFIGURED_PROVIDER }, priority: 0 }]);

const prompt = (name: string, template: string, variables: string[] = []): PromptVersion => ({
  name,
  version: BUILTIN_PROMPT_VERSION,
  template,
  variables,
});

const BUILTIN_PROMPTS: PromptVersion[] = [
  prompt(
    PROMPT_NAMES.planner,
    [
      'You are the incident commander of a Kubernetes investigation team.',
      'Turn the operator request into one intent',
      '(diagnose_pod, diagnose_workload, namespace_overview, collect_evidence, explain, general_help)',
      'and the parameters it needs (namespace, pod, deployment or job name).',
      'Never guess a missing or ambiguous name: list it under required_info and offer the candidates you know.',
      'Answer with JSON only.',
    ].join('\n'),
  ),
  prompt(
    PROMPT_NAMES.analyst,
    [
      'You are a senior Kubernetes incident analyst.',
      'Find the root cause from the evidence given: pod status, container states, events, logs and related resources.',
      'Name the concrete cause, cite the ids (E1, E2, …) of the evidence items that show it, and give a confidence between 0 and 1.',
      'Cite only ids from the evidence list or from tool results; an answer without them, or with ids that do not exist, is discarded.',
      'Propose remediation as read-only verification commands first; mark every command that changes the cluster as a write.',
      'If the evidence does not support a cause, say so instead of inventing one. Answer with JSON matching the diagnosis schema.',
    ].join('\n'),
  ),
  prompt(
    PROMPT_NAMES.analystRequest,
    [
      'Question: {{question}}',
      '',
      'Hypotheses of the rule-based analyzers, ranked, with the ids of their evidence (may be empty or unsure):',
      '{{rule_findings}}',
      '',
      'Evidence, one item per line with its id (secrets masked):',
      '{{evidence}}',
    ].join('\n'),
    ['question', 'rule_findings', 'evidence'],
  ),
  prompt(
    PROMPT_NAMES.reviewer,
    [
      'You review a Kubernetes diagnosis before it reaches the operator.',
      'Check that the root cause is backed by the quoted evidence, that the confidence is justified,',
      'that remediation commands are read-only or clearly marked as writes needing approval, and that no secret appears.',
      'Approve, or reject with the specific evidence that is missing.',
    ].join('\n'),
  ),
];

/** The Kubernetes evidence tools, defined beside their code (src/agents/evidence-tools.ts). */
const BUILTIN_TOOLS: ToolDefinition[] = EVIDENCE_TOOL_DEFINITIONS;

const BUILTIN_SKILLS: Skill[] = [
  {
    name: 'kubernetes-investigation',
    description: 'Investigate a failing Kubernetes workload with read-only evidence tools.',
    instructions: [
      'Start from the object the operator named; read its status and events first.',
      'For crashing containers read the previous logs; follow owners and services to related pods.',
      'Stop as soon as the evidence names a concrete cause. Never change the cluster.',
    ].join('\n'),
    tools: BUILTIN_TOOLS.map((t) => t.name),
  },
];

const byName = <T extends { name: string }>(items: T[]): Record<string, T> => Object.fromEntries(items.map((i) => [i.name, i]));

/** A fresh copy every call: callers fold changes into it. */
export function builtinState(): ControlState {
  return structuredClone({
    prompts: Object.fromEntries(
      BUILTIN_PROMPTS.map((p) => [p.name, { active: p.version, versions: { [p.version]: p } }]),
    ),
    skills: byName(BUILTIN_SKILLS),
    tools: byName(BUILTIN_TOOLS),
    routingRules: [...DEFAULT_ROUTING_RULES],
    arbiters: { [DEFAULT_ARBITER.name]: { ...DEFAULT_ARBITER } },
    alertRules: structuredClone([...DEFAULT_ALERT_RULES]),
    notificationChannels: {},
  });
}
