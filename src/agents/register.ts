import type { TaskHandler, TaskHandlerRegistry } from '../worker/registry.js';
import { analyzeHandler } from './analyze.js';
import { askHandler } from './ask.js';
import { collectEvidenceHandler } from './collect-evidence.js';
import type { AgentDeps } from './deps.js';
import { TASK_TYPES, type AgentTaskType } from './pipeline-state.js';
import { reportHandler } from './report.js';
import { reviewHandler } from './review.js';

/** The pipeline's task types and their handlers: ask → collect_evidence → analyze → review → report. */
export function agentHandlers(deps: AgentDeps): Record<AgentTaskType, TaskHandler> {
  return {
    [TASK_TYPES.ask]: askHandler(deps),
    [TASK_TYPES.collect]: collectEvidenceHandler(deps),
    [TASK_TYPES.analyze]: analyzeHandler(deps),
    [TASK_TYPES.review]: reviewHandler(deps),
    [TASK_TYPES.report]: reportHandler(deps),
  };
}

/** Registers the agents (all, or only some: a worker pool can specialise). */
export function registerAgents(registry: TaskHandlerRegistry, deps: AgentDeps, only?: readonly AgentTaskType[]): TaskHandlerRegistry {
  for (const [type, handler] of Object.entries(agentHandlers(deps)) as Array<[AgentTaskType, TaskHandler]>) {
    if (!only || only.includes(type)) registry.register(type, handler);
  }
  return registry;
}
