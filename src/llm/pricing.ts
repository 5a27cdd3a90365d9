/**
 * Estimated cost of a model call: list prices in US dollars per million tokens (input, output),
 * matched by the longest model-name prefix. Prices change and contracts differ, so this is an
 * estimate; SYNTRA_LLM_PRICE_PER_MTOK="input,output" (e.g. "3,15") overrides the table for every
 * model, and a model self-hosted through Ollama or vLLM costs 0. A model not in the table has no
 * estimate (undefined), never a guess.
 */
export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

const LIST_PRICES: ReadonlyArray<readonly [prefix: string, price: Price]> = [
  ['gpt-4o-mini', { inputPerMTok: 0.15, outputPerMTok: 0.6 }],
  ['gpt-4o', { inputPerMTok: 2.5, outputPerMTok: 10 }],
  ['gpt-4.1-nano', { inputPerMTok: 0.1, outputPerMTok: 0.4 }],
  ['gpt-4.1-mini', { inputPerMTok: 0.4, outputPerMTok: 1.6 }],
  ['gpt-4.1', { inputPerMTok: 2, outputPerMTok: 8 }],
  ['claude-haiku-4', { inputPerMTok: 1, outputPerMTok: 5 }],
  ['claude-sonnet-4', { inputPerMTok: 3, outputPerMTok: 15 }],
  ['claude-opus-4', { inputPerMTok: 15, outputPerMTok: 75 }],
  ['moonshot-v1-8k', { inputPerMTok: 0.2, outputPerMTok: 2 }],
  ['moonshot-v1-32k', { inputPerMTok: 1, outputPerMTok: 3 }],
  ['moonshot-v1-128k', { inputPerMTok: 2, outputPerMTok: 5 }],
];
const SELF_HOSTED = new Set(['ollama', 'vllm']);

export function priceOf(provider: string, model: string, env: NodeJS.ProcessEnv = process.env): Price | undefined {
  const override = env.SYNTRA_LLM_PRICE_PER_MTOK?.trim();
  if (override) {
    const [input, output] = override.split(',').map((x) => Number(x.trim()));
    if (Number.isFinite(input) && Number.isFinite(output) && input! >= 0 && output! >= 0) return { inputPerMTok: input!, outputPerMTok: output! };
  }
  if (SELF_HOSTED.has(provider)) return { inputPerMTok: 0, outputPerMTok: 0 };
  let best: readonly [string, Price] | undefined;
  for (const row of LIST_PRICES) if (model.startsWith(row[0]) && (!best || row[0].length > best[0].length)) best = row;
  return best?.[1];
}

/** US dollars, rounded to a millionth; undefined when the price of this model is not known. */
export function estimateCostUsd(provider: string, model: string, inputTokens: number, outputTokens: number, env?: NodeJS.ProcessEnv): number | undefined {
  const p = priceOf(provider, model, env);
  if (!p) return undefined;
  return Math.round(((inputTokens * p.inputPerMTok + outputTokens * p.outputPerMTok) / 1e6) * 1e6) / 1e6;
}
