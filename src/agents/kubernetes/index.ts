import type { BuiltinContent } from '../../control-plane/control-registry/defaults.js';
import { EVIDENCE_TOOL_DEFINITIONS } from '../evidence-tools.js';
import { KUBERNETES_PROMPTS } from './prompts.js';
import { KUBERNETES_SKILLS } from './skill.js';

/**
 * The product's Kubernetes content of the control registry's version 0: prompts, the
 * investigation skill and the read-only evidence tools (schemas beside their code in
 * ../evidence-tools.ts). The registry itself is generic; it takes this as its built-ins.
 */
export const KUBERNETES_CONTROL_CONTENT: BuiltinContent = {
  prompts: KUBERNETES_PROMPTS,
  skills: KUBERNETES_SKILLS,
  tools: EVIDENCE_TOOL_DEFINITIONS,
};

export { PROMPT_NAMES, BUILTIN_PROMPT_VERSION } from './prompts.js';
export { ANALYST_SKILL } from './skill.js';
