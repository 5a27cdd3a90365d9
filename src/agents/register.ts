import type { TaskHandler, TaskHandlerRegistry } from '../worker/registry.js';
import { analyzeHandler } from './analyze.js';
import { askHandler } from './ask.js';
import { collectEvidenceHandler } from './collect-evidence.js';
import type { AgentDeps } from './deps.js';
import { reportHandler } from './report.js';
import { reviewHandler } from './review.js';
import { STEPS, type AgentTaskType } from './steps.js';

/** Each step's handler; a step missing here is a type error. */
const HANDLERS: Record<AgentTaskType, (deps: AgentDeps) => TaskHandler> = {
  ask: askHandler,
  collect_evidence: collectEvidenceHandler,
  analyze: analyzeHandler,
  review: reviewHandler,
  report: reportHandler,
};

/** Registers the pipeline's steps (all, or only some: a worker pool can specialise), from the step table. */
export function registerAgents(registry: TaskHandlerRegistry, deps: AgentDeps, only?: readonly AgentTaskType[]): TaskHandlerRegistry {
  for (const step of STEPS) {
    if (!only || only.includes(step.task)) registry.register(step.task, HANDLERS[step.task](deps));
  }
  return registry;
}
