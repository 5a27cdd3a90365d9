import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiHarness, type ApiHarness } from './harness.js';

/**
 * GET /api/health needs no credentials, so it says only whether a model is configured: not the
 * provider, the model, its base URL or any part of its key — and a bad provider setting is no
 * reason for a 500 there.
 */
describe('GET /api/health discloses nothing about the model provider', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(async () => api?.close());
  afterEach(() => vi.unstubAllEnvs());

  const health = () => api.app.inject({ method: 'GET', url: '/api/health', headers: { 'x-no-credentials': '1' } });

  it('rules-only without a provider', async () => {
    vi.stubEnv('SYNTRA_LLM_PROVIDER', '');
    const res = await health();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'healthy', models: 'rules-only' });
  });

  it('configured, and nothing more, with a provider', async () => {
    vi.stubEnv('SYNTRA_LLM_PROVIDER', 'openai');
    vi.stubEnv('SYNTRA_LLM_MODEL', 'gpt-4o-internal-finetune');
    vi.stubEnv('SYNTRA_LLM_BASE_URL', 'https://llm.internal.example.com/v1');
    vi.stubEnv('SYNTRA_LLM_API_KEY', 'sk-proj-abcdefghijklmnopqrstuvwxWXYZ');
    const res = await health();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'healthy', models: 'configured' });
    for (const leak of ['openai', 'gpt-4o', 'llm.internal', 'WXYZ']) expect(res.body).not.toContain(leak);
  });

  it('a bad provider setting is not a 500', async () => {
    vi.stubEnv('SYNTRA_LLM_PROVIDER', 'no-such-provider');
    const res = await health();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'healthy', models: 'configured' });
  });
});
