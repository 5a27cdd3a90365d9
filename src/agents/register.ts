import type { TaskHandlerRegistry } from '../worker/registry.js';
import type { AgentDeps } from './deps.js';
import { STEPS, type AgentTaskType } from './steps.js';

/** Registers the pipeline's steps (all, or only some: a worker pool can specialise), from the step table. */
export function registerAgents(registry: TaskHandlerRegistry, deps: AgentDeps, only?: readonly AgentTaskType[]): TaskHandlerRegistry {
  for (const step of STEPS) {
    if (!only || only.includes(step.task)) registry.register(step.task, step.handler(deps));
  }
  return registry;
}
