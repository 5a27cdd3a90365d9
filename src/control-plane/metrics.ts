import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Control-plane counters and histograms, counted where the work happens (queue operations),
 * so they hold for in-process workers and for remote workers going through the API alike.
 * The API's /metrics exposes `controlPlaneMetrics.registry`; queue depth is read from the
 * database at scrape time by the API instead (see queueStats).
 */
function createControlPlaneMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    claims: new Counter({ name: 'syntra_queue_claims_total', help: 'Queue items handed out by claim', labelNames: ['task_type'] as const, registers }),
    completions: new Counter({ name: 'syntra_queue_completions_total', help: 'Queue items completed', registers }),
    failures: new Counter({
      name: 'syntra_queue_failures_total',
      help: 'Failed attempts, by outcome (retry: scheduled again, dead: dead-lettered)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    leaseExpiries: new Counter({
      name: 'syntra_queue_lease_expiries_total',
      help: 'Leases that expired without renewal and were taken over (reclaimed) or dead-lettered',
      registers,
    }),
    submitToClaim: new Histogram({
      name: 'syntra_submit_to_claim_seconds',
      help: 'Time from enqueue to first claim of a queue item',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    runDuration: new Histogram({
      name: 'syntra_run_duration_seconds',
      help: 'Time from submit to the end of a run, by run kind and final status',
      labelNames: ['kind', 'status'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    modelTokens: new Counter({
      name: 'syntra_model_tokens_total',
      help: 'Tokens of model calls made by the agents, by provider, model and direction (input, output)',
      labelNames: ['provider', 'model', 'direction'] as const,
      registers,
    }),
    modelCost: new Counter({
      name: 'syntra_model_cost_usd_total',
      help: 'Estimated cost of model calls in US dollars (list prices, src/llm/pricing.ts; calls of unknown price are not counted)',
      labelNames: ['provider', 'model'] as const,
      registers,
    }),
  };
}

export type ControlPlaneMetrics = ReturnType<typeof createControlPlaneMetrics>;

/** One per process: importing it from the API and the worker gives the same counters. */
export const controlPlaneMetrics: ControlPlaneMetrics = createControlPlaneMetrics();

export function observeRunFinished(kind: string | null | undefined, status: string | null | undefined, durationSeconds: number | null | undefined): void {
  if (status && durationSeconds !== null && durationSeconds !== undefined) {
    controlPlaneMetrics.runDuration.observe({ kind: kind ?? 'unknown', status }, durationSeconds);
  }
}

/** One model call's usage, as the agents record it in the ledger (`model.call`). */
export function countModelCall(c: { provider: string; model: string; inputTokens: number; outputTokens: number; estimatedCostUsd?: number | undefined }): void {
  controlPlaneMetrics.modelTokens.inc({ provider: c.provider, model: c.model, direction: 'input' }, c.inputTokens);
  controlPlaneMetrics.modelTokens.inc({ provider: c.provider, model: c.model, direction: 'output' }, c.outputTokens);
  if (c.estimatedCostUsd !== undefined) controlPlaneMetrics.modelCost.inc({ provider: c.provider, model: c.model }, c.estimatedCostUsd);
}
