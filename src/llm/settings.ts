import { intFromEnv, type Env } from '../config.js';
import { SyntraError } from '../domain/errors.js';
import { maskApiKey } from './secret-mask.js';

/**
 * Environment → model provider settings (raw → defaults → compiled), validated once.
 * Nothing is configured unless SYNTRA_LLM_PROVIDER says so: an API key lying around in the
 * environment does not silently switch Syntra from rules-only to a paid model.
 */

export const PROVIDER_KINDS = ['openai', 'anthropic', 'ollama', 'vllm', 'moonshot'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface LlmSettings {
  readonly kind: ProviderKind;
  /** Registry name; the kind itself for the env-configured provider. */
  readonly name: string;
  readonly baseURL: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
}

interface KindDefaults {
  baseURL: string;
  model: string | undefined;
  keyEnv: string | undefined;
  keyRequired: boolean;
}

const DEFAULTS: Record<ProviderKind, KindDefaults> = {
  openai: { baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini', keyEnv: 'OPENAI_API_KEY', keyRequired: true },
  anthropic: { baseURL: 'https://api.anthropic.com', model: 'claude-sonnet-4-6', keyEnv: 'ANTHROPIC_API_KEY', keyRequired: true },
  moonshot: { baseURL: 'https://api.moonshot.ai/v1', model: 'moonshot-v1-8k', keyEnv: 'MOONSHOT_API_KEY', keyRequired: true },
  ollama: { baseURL: 'http://localhost:11434/v1', model: 'llama3.1', keyEnv: undefined, keyRequired: false },
  // vLLM serves whatever model it was started with; there is no sensible default name.
  vllm: { baseURL: 'http://localhost:8000/v1', model: undefined, keyEnv: undefined, keyRequired: false },
};

/** Returns undefined when no provider is configured (rules-only mode). */
export function loadLlmSettings(env: Env = process.env): LlmSettings | undefined {
  const rawKind = env.SYNTRA_LLM_PROVIDER?.trim().toLowerCase();
  if (!rawKind) return undefined;
  if (!(PROVIDER_KINDS as readonly string[]).includes(rawKind)) {
    throw new SyntraError('config_invalid', `SYNTRA_LLM_PROVIDER must be one of ${PROVIDER_KINDS.join(', ')}, got "${rawKind}"`);
  }
  const kind = rawKind as ProviderKind;
  const defaults = DEFAULTS[kind];

  const baseURL = env.SYNTRA_LLM_BASE_URL?.trim() || defaults.baseURL;
  try {
    const url = new URL(baseURL);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new SyntraError('config_invalid', `SYNTRA_LLM_BASE_URL must be an http(s) URL, got "${baseURL}"`);
  }

  const apiKey = env.SYNTRA_LLM_API_KEY?.trim() || (defaults.keyEnv ? env[defaults.keyEnv]?.trim() : undefined) || undefined;
  if (defaults.keyRequired && !apiKey) {
    throw new SyntraError('config_invalid', `SYNTRA_LLM_PROVIDER=${kind} needs an API key: set SYNTRA_LLM_API_KEY or ${defaults.keyEnv}`);
  }

  const model = env.SYNTRA_LLM_MODEL?.trim() || defaults.model;
  if (!model) throw new SyntraError('config_invalid', `SYNTRA_LLM_PROVIDER=${kind} needs SYNTRA_LLM_MODEL (the served model name)`);

  return Object.freeze({
    kind,
    name: kind,
    baseURL: baseURL.replace(/\/+$/, ''),
    apiKey,
    model,
    timeoutMs: intFromEnv(env, 'SYNTRA_LLM_TIMEOUT_MS', 60_000, 100, 600_000),
    maxAttempts: intFromEnv(env, 'SYNTRA_LLM_MAX_ATTEMPTS', 3, 1, 10),
  });
}

/** One line for logs and `describe()`; the key is masked. */
export function describeLlmSettings(s: LlmSettings): string {
  return `${s.name} (model ${s.model}, base URL ${s.baseURL}, API key ${maskApiKey(s.apiKey)}, timeout ${s.timeoutMs} ms, ${s.maxAttempts} attempt(s))`;
}
