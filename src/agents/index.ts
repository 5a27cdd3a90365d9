/**
 * The agents pipeline on the control plane: ask (plan) → collect_evidence → analyze → review →
 * report, each a task handler; plus what clients read (the run output contract, the catalogue).
 */
export { registerAgents } from './register.js';
export { STEPS, AGENT_TASK_TYPES, stepsFor, type AgentTaskType, type AgentName } from './steps.js';
export { startAgents, type AgentRuntime } from './runtime.js';
export type { AgentDeps } from './deps.js';
export { createEvidenceProvider, resolveEvidenceKind, type EvidenceProvider } from './evidence-provider.js';
export { AGENTS, describeAgents, type AgentView } from './catalogue.js';
export type { PipelineState, Question } from './pipeline-state.js';
export type { AskRunOutput, ArtifactRef } from './run-output.js';
export { classifyCommand } from './command-safety.js';
