import { estimateCostUsd } from './pricing.js';
import type { ChatResponse, TokenUsage } from './provider.js';

/**
 * Token and latency accounting. Every model call becomes one ledger event with this payload,
 * so a run's cost and time can be summed from its ledger.
 */
export interface ModelCallLedgerPayload {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  attempts: number;
  /** List-price estimate in US dollars (src/llm/pricing.ts); absent when the model's price is unknown. */
  estimatedCostUsd?: number;
}

export function usageLedgerPayload(res: Pick<ChatResponse, 'provider' | 'model' | 'usage' | 'latencyMs' | 'attempts'>): ModelCallLedgerPayload {
  const cost = estimateCostUsd(res.provider, res.model, res.usage.inputTokens, res.usage.outputTokens);
  return {
    ...(cost === undefined ? {} : { estimatedCostUsd: cost }),
    provider: res.provider,
    model: res.model,
    inputTokens: res.usage.inputTokens,
    outputTokens: res.usage.outputTokens,
    latencyMs: res.latencyMs,
    attempts: res.attempts,
  };
}

/** Sums the usage of several calls (a chatJson retry, the turns of a tool loop). */
export function sumUsage(responses: ReadonlyArray<Pick<ChatResponse, 'usage'>>): TokenUsage {
  return responses.reduce<TokenUsage>(
    (acc, r) => ({ inputTokens: acc.inputTokens + r.usage.inputTokens, outputTokens: acc.outputTokens + r.usage.outputTokens }),
    { inputTokens: 0, outputTokens: 0 },
  );
}

/**
 * The calls a failed structured request made (chatJson puts them in its provider_invalid_output
 * details): they cost tokens too, so they belong in the ledger like any other call.
 */
export function callsOfFailure(err: unknown): ModelCallLedgerPayload[] {
  const calls = (err as { details?: { calls?: unknown } } | null)?.details?.calls;
  return Array.isArray(calls) ? (calls as ModelCallLedgerPayload[]) : [];
}
