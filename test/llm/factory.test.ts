import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntraError } from '../../src/domain/errors.js';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { createProviderRegistry, loadModelProvider, RULES_ONLY_DESCRIPTION } from '../../src/llm/factory.js';
import { CONFIGURED_PROVIDER } from '../../src/llm/provider.js';
import { OpenAICompatibleProvider } from '../../src/llm/openai-compatible.js';
import { loadLlmSettings } from '../../src/llm/settings.js';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';

const KEY = 'sk-proj-abcdefghijklmnopSECRET1234';

const configError = (env: Record<string, string>) => {
  try {
    loadLlmSettings(env);
  } catch (err) {
    expect(err).toBeInstanceOf(SyntraError);
    return err as SyntraError;
  }
  throw new Error('expected config_invalid');
};

describe('provider settings and registry', () => {
  it('with nothing configured the registry is empty and says rules-only', () => {
    const registry = createProviderRegistry({ OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: KEY });
    expect(registry.isEmpty()).toBe(true);
    expect(registry.size).toBe(0);
    expect(registry.describe()).toBe(RULES_ONLY_DESCRIPTION);
    expect(registry.describe()).toBe('rules-only: no model provider configured');
    expect(registry.get('openai')).toBeUndefined();
    expect(registry.get(CONFIGURED_PROVIDER)).toBeUndefined();
    expect(() => registry.require('openai')).toThrow(/rules-only/);
    expect(() => registry.resolve({ provider: CONFIGURED_PROVIDER })).toThrow(/rules-only/);
  });

  it('builds an OpenAI provider from env, falling back to OPENAI_API_KEY, with the key masked', async () => {
    const registry = createProviderRegistry({ SYNTRA_LLM_PROVIDER: 'openai', OPENAI_API_KEY: KEY });
    expect(registry.names()).toEqual(['openai']);
    // The registry holds a stand-in that imports the SDK on the first call; this is what it builds.
    expect(await loadModelProvider(loadLlmSettings({ SYNTRA_LLM_PROVIDER: 'openai', OPENAI_API_KEY: KEY })!)).toBeInstanceOf(OpenAICompatibleProvider);
    expect(registry.resolve({ provider: 'openai' }).model).toBe('gpt-4o-mini');
    expect(registry.resolve({ provider: 'openai', model: 'gpt-4.1' }).model).toBe('gpt-4.1');
    // The built-in route names the configured provider without knowing its kind or model.
    expect(registry.get(CONFIGURED_PROVIDER)).toBe(registry.get('openai'));
    expect(registry.resolve({ provider: CONFIGURED_PROVIDER })).toEqual({ provider: registry.get('openai'), model: 'gpt-4o-mini' });
    expect(registry.resolve({ provider: CONFIGURED_PROVIDER, model: 'gpt-4.1' }).model).toBe('gpt-4.1');
    const text = registry.describe();
    expect(text).toContain('openai (model gpt-4o-mini, base URL https://api.openai.com/v1, API key ****1234');
    expect(text).not.toContain('SECRET');
    const err = (() => {
      try {
        registry.require('anthropic');
      } catch (e) {
        return e as SyntraError;
      }
    })();
    expect(err).toMatchObject({ code: 'provider_not_configured' });
    expect(err!.message).toContain('configured: openai');
  });

  it('knows the defaults of each provider kind and the key variable each accepts', async () => {
    expect(loadLlmSettings({ SYNTRA_LLM_PROVIDER: 'ollama' })).toMatchObject({ baseURL: 'http://localhost:11434/v1', apiKey: undefined, model: 'llama3.1' });
    expect(loadLlmSettings({ SYNTRA_LLM_PROVIDER: 'moonshot', MOONSHOT_API_KEY: 'mk' })).toMatchObject({ baseURL: 'https://api.moonshot.ai/v1', apiKey: 'mk' });
    expect(loadLlmSettings({ SYNTRA_LLM_PROVIDER: 'Anthropic', ANTHROPIC_API_KEY: 'ak', SYNTRA_LLM_API_KEY: 'preferred' })).toMatchObject({ kind: 'anthropic', apiKey: 'preferred' });
    expect(loadLlmSettings({ SYNTRA_LLM_PROVIDER: 'vllm', SYNTRA_LLM_MODEL: 'Qwen/Qwen2.5-7B', SYNTRA_LLM_BASE_URL: 'http://gpu:8000/v1/', SYNTRA_LLM_TIMEOUT_MS: '5000' })).toMatchObject({
      baseURL: 'http://gpu:8000/v1',
      model: 'Qwen/Qwen2.5-7B',
      timeoutMs: 5000,
    });
    expect(createProviderRegistry({ SYNTRA_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'ak' }).names()).toEqual(['anthropic']);
    expect(await loadModelProvider(loadLlmSettings({ SYNTRA_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'ak' })!)).toBeInstanceOf(AnthropicProvider);
  });

  it('rejects bad configuration with config_invalid, never echoing the key', () => {
    expect(configError({ SYNTRA_LLM_PROVIDER: 'gemini' }).message).toContain('openai, anthropic, ollama, vllm, moonshot');
    expect(configError({ SYNTRA_LLM_PROVIDER: 'openai' }).message).toContain('SYNTRA_LLM_API_KEY or OPENAI_API_KEY');
    expect(configError({ SYNTRA_LLM_PROVIDER: 'vllm' }).message).toContain('SYNTRA_LLM_MODEL');
    expect(configError({ SYNTRA_LLM_PROVIDER: 'ollama', SYNTRA_LLM_BASE_URL: 'localhost:11434' }).code).toBe('config_invalid');
    const timeout = configError({ SYNTRA_LLM_PROVIDER: 'openai', SYNTRA_LLM_API_KEY: KEY, SYNTRA_LLM_TIMEOUT_MS: 'soon' });
    expect(timeout.message).toContain('SYNTRA_LLM_TIMEOUT_MS');
    expect(timeout.message).not.toContain('SECRET');
  });
});

describe('an env-configured provider end to end', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('talks to the configured base URL with the configured key and model', async () => {
    const registry = createProviderRegistry({
      SYNTRA_LLM_PROVIDER: 'moonshot',
      SYNTRA_LLM_BASE_URL: fake.baseURL,
      MOONSHOT_API_KEY: KEY,
      SYNTRA_LLM_MODEL: 'kimi-k2',
    });
    const route = registry.resolve({ provider: CONFIGURED_PROVIDER });
    fake.reply(completion({ content: 'hello from kimi', model: 'kimi-k2' }));
    const res = await route.provider.chat({ model: route.model, messages: [{ role: 'user', content: 'hi' }], maxTokens: 50 });
    expect(res).toMatchObject({ text: 'hello from kimi', provider: 'moonshot', model: 'kimi-k2' });
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(fake.requests[0]!.body).toMatchObject({ model: 'kimi-k2', max_tokens: 50 });
  });

  it('sends max_completion_tokens to OpenAI itself (its reasoning models reject max_tokens)', async () => {
    const registry = createProviderRegistry({ SYNTRA_LLM_PROVIDER: 'openai', SYNTRA_LLM_BASE_URL: fake.baseURL, SYNTRA_LLM_API_KEY: KEY });
    fake.reply(completion({ content: 'ok' }));
    await registry.require('openai').chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], maxTokens: 64 });
    const body = fake.requests.at(-1)!.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(64);
    expect(body).not.toHaveProperty('max_tokens');
  });
});
