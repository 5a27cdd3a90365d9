import type { Skill } from '../../control-plane/control-registry/schemas.js';
import { EVIDENCE_TOOL_DEFINITIONS } from '../evidence-tools.js';

/** The skill the analyst runs under when it consults a model: how to investigate, and which read-only tools it may call. */
export const ANALYST_SKILL = 'kubernetes-investigation';

export const KUBERNETES_SKILLS: readonly Skill[] = [
  {
    name: ANALYST_SKILL,
    description: 'Investigate a failing Kubernetes workload with read-only evidence tools.',
    instructions: [
      'Start from the object the operator named; read its status and events first.',
      'For crashing containers read the previous logs; follow owners and services to related pods.',
      'Stop as soon as the evidence names a concrete cause. Never change the cluster.',
    ].join('\n'),
    tools: EVIDENCE_TOOL_DEFINITIONS.map((t) => t.name),
  },
];
