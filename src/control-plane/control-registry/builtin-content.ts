import { KUBERNETES_CONTROL_CONTENT } from '../../agents/kubernetes/index.js';
import type { BuiltinContent } from './defaults.js';

/**
 * The one seam between the generic registry and the product: which prompts, skills and tools
 * this build ships as version 0. The registry holds no Kubernetes content itself; the product's
 * lives in src/agents/kubernetes (prompts, skill) and src/agents/evidence-tools.ts (tools, each
 * schema beside its code).
 */
export const INSTALLED_CONTENT: BuiltinContent = KUBERNETES_CONTROL_CONTENT;
