import { SyntraError } from '../domain/errors.js';
import { CONFIGURED_PROVIDER, type ModelProvider } from './provider.js';
import { describeLlmSettings, loadLlmSettings, type LlmSettings } from './settings.js';

/**
 * Providers by name. Routing rules (in the control registry) pick `{provider, model, params}`
 * per intent or task; this registry turns the provider name into an instance. Empty means
 * rules-only, and `describe()` says so.
 */

export const RULES_ONLY_DESCRIPTION = 'rules-only: no model provider configured';

export interface ProviderEntry {
  provider: ModelProvider;
  /** Used when a routing rule names the provider but no model. */
  defaultModel: string;
  /** Human description without secrets. */
  description: string;
}

export interface RouteTarget {
  provider: string;
  model?: string;
}

export class ProviderRegistry {
  private readonly entries = new Map<string, ProviderEntry>();

  register(entry: ProviderEntry): this {
    this.entries.set(entry.provider.name, entry);
    return this;
  }

  get(name: string): ModelProvider | undefined {
    return this.entry(name)?.provider;
  }

  /** By instance name; CONFIGURED_PROVIDER is the first registered one (the env-configured provider). */
  entry(name: string): ProviderEntry | undefined {
    if (name === CONFIGURED_PROVIDER && !this.entries.has(name)) return this.entries.values().next().value;
    return this.entries.get(name);
  }

  /** Throws provider_not_configured, naming what is configured. */
  require(name: string): ModelProvider {
    const provider = this.get(name);
    if (!provider) {
      const known = this.names();
      throw new SyntraError(
        'provider_not_configured',
        `model provider "${name}" is not configured (${known.length ? `configured: ${known.join(', ')}` : RULES_ONLY_DESCRIPTION})`,
      );
    }
    return provider;
  }

  /** Resolves a routing rule's target to an instance and a concrete model name. */
  resolve(target: RouteTarget): { provider: ModelProvider; model: string } {
    const provider = this.require(target.provider);
    return { provider, model: target.model || this.entry(target.provider)!.defaultModel };
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  describe(): string {
    if (this.isEmpty()) return RULES_ONLY_DESCRIPTION;
    return [...this.entries.values()].map((e) => e.description).join('; ');
  }
}

/**
 * The provider for the settings; its SDK (openai or @anthropic-ai/sdk, a few hundred modules
 * each) is imported on the first call, so a rules-only process never loads either.
 */
export function createModelProvider(settings: LlmSettings): ModelProvider {
  let loaded: Promise<ModelProvider> | undefined;
  return {
    name: settings.name,
    chat: async (req, opts) => (await (loaded ??= loadModelProvider(settings))).chat(req, opts),
  };
}

export async function loadModelProvider(settings: LlmSettings): Promise<ModelProvider> {
  const retry = { maxAttempts: settings.maxAttempts };
  if (settings.kind === 'anthropic') {
    const { AnthropicProvider } = await import('./anthropic.js');
    return new AnthropicProvider({ name: settings.name, baseURL: settings.baseURL, apiKey: settings.apiKey ?? '', timeoutMs: settings.timeoutMs, retry });
  }
  const { OpenAICompatibleProvider } = await import('./openai-compatible.js');
  return new OpenAICompatibleProvider({
    name: settings.name,
    baseURL: settings.baseURL,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    retry,
    maxTokensField: settings.kind === 'openai' ? 'max_completion_tokens' : 'max_tokens',
  });
}

/** The registry from the environment: empty (rules-only) unless SYNTRA_LLM_PROVIDER is set. */
export function createProviderRegistry(env: Record<string, string | undefined> = process.env): ProviderRegistry {
  const registry = new ProviderRegistry();
  const settings = loadLlmSettings(env);
  if (settings) {
    registry.register({ provider: createModelProvider(settings), defaultModel: settings.model, description: describeLlmSettings(settings) });
  }
  return registry;
}
