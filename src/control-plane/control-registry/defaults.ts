import { CONFIGURED_PROVIDER } from '../../llm/provider.js';
import type { ArbiterPolicy, PromptVersion, RoutingRule, Skill, ToolDefinition } from './schemas.js';
import { DEFAULT_ALERT_RULES, DEFAULT_ARBITER_NAME, type ControlState } from './state.js';
import { INSTALLED_CONTENT } from './builtin-content.js';

/**
 * Version 0: the built-in registry every installation starts from. It has no row in
 * control_change; it is "the built-ins of this build". Once an operator changes anything, the
 * full state (built-ins included) is stored per version, so an upgrade that edits these defaults
 * does not silently alter an existing installation's recorded versions.
 */

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

/** What a product contributes to version 0: its prompts, skills and tools (see builtin-content.ts). */
export interface BuiltinContent {
  prompts: readonly PromptVersion[];
  skills: readonly Skill[];
  tools: readonly ToolDefinition[];
}

const byName = <T extends { name: string }>(items: readonly T[]): Record<string, T> => Object.fromEntries(items.map((i) => [i.name, i]));

/** A fresh copy every call: callers fold changes into it. */
export function builtinState(content: BuiltinContent = INSTALLED_CONTENT): ControlState {
  return structuredClone({
    prompts: Object.fromEntries(content.prompts.map((p) => [p.name, { active: p.version, versions: { [p.version]: p } }])),
    skills: byName(content.skills),
    tools: byName(content.tools),
    routingRules: [...DEFAULT_ROUTING_RULES],
    arbiters: { [DEFAULT_ARBITER.name]: { ...DEFAULT_ARBITER } },
    alertRules: structuredClone([...DEFAULT_ALERT_RULES]),
    notificationChannels: {},
  });
}
