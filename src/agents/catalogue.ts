import { resolveRoute } from '../control-plane/control-registry/routing.js';
import type { ControlSnapshot } from '../control-plane/control-registry/state.js';
import type { RouteTarget } from '../control-plane/control-registry/schemas.js';
import { STEPS, type AgentName, type AgentTaskType, type StepRoute } from './steps.js';

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
  routeQuery?: StepRoute;
}

/** Derived from the step table (steps.ts): one agent per step. */
export const AGENTS: readonly AgentDescription[] = STEPS.map((s) => ({
  name: s.agent,
  taskType: s.task,
  step: s.step,
  description: s.description,
  ...('route' in s ? { routeQuery: s.route } : {}),
}));

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
