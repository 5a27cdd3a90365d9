import { resolveRoute } from '../control-plane/control-registry/routing.js';
import type { ControlSnapshot } from '../control-plane/control-registry/state.js';
import type { RouteTarget } from '../control-plane/control-registry/schemas.js';
import { TASK_TYPES, type AgentTaskType } from './pipeline-state.js';
import type { AgentName } from './step-recorder.js';

/**
 * The agents of the pipeline as clients see them (GET /api/agents): the task type each runs as,
 * what it does, and which model route (if any) it uses under a given control snapshot — and
 * whether that route can run here (a route to a provider that is not configured runs rules-only).
 */
export interface AgentDescription {
  name: AgentName;
  taskType: AgentTaskType;
  step: string;
  description: string;
  /** The routing query the agent asks the registry with; none → the agent never calls a model. */
  routeQuery?: { intent?: string; taskType: string };
}

export const AGENTS: readonly AgentDescription[] = [
  { name: 'planner', taskType: TASK_TYPES.ask, step: 'plan', description: 'understands the request, resolves names against the cluster, plans the steps; asks for missing information', routeQuery: { intent: 'plan', taskType: 'plan' } },
  { name: 'evidence_collector', taskType: TASK_TYPES.collect, step: 'collect_evidence', description: 'checks connectivity, collects pod state, logs (current and previous), events and related resources, masks secrets, stores evidence.json' },
  { name: 'incident_analyst', taskType: TASK_TYPES.analyze, step: 'analyze', description: 'rule-based analyzers first; consults the routed model (with read-only evidence tools) only when the rules are unsure', routeQuery: { taskType: 'analyze' } },
  { name: 'reviewer', taskType: TASK_TYPES.review, step: 'review', description: 'checks the root cause is backed by evidence, commands are read-only or marked as writes needing approval, and no secret leaks; may ask for one more evidence pass' },
  { name: 'reporter', taskType: TASK_TYPES.report, step: 'report', description: 'writes the Markdown and JSON report artifacts, creates or updates the incident record, sets the answer' },
];

export interface AgentView {
  name: AgentName;
  taskType: AgentTaskType;
  step: string;
  description: string;
  model: RouteTarget | null;
  mode: 'rules-only' | 'model-assisted' | 'no-model';
}

export function describeAgents(snapshot: ControlSnapshot, configured: (provider: string) => boolean): AgentView[] {
  return AGENTS.map((a) => {
    const route = a.routeQuery ? (resolveRoute(snapshot, a.routeQuery) ?? null) : null;
    return {
      name: a.name,
      taskType: a.taskType,
      step: a.step,
      description: a.description,
      model: route,
      mode: !a.routeQuery ? 'no-model' : route && configured(route.provider) ? 'model-assisted' : 'rules-only',
    };
  });
}
