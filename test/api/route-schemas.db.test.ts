import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './harness.js';

/**
 * The app's route schemas compile on first use (src/api/lazy-schemas.ts), so a broken one would
 * not stop start-up: it is compiled here, every one of them, as an eager start would have.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  await h.app.ready();
});
afterAll(async () => h?.close());

describe('route schemas', () => {
  it('every validator and serializer of every route compiles', () => {
    expect(h.app.compileSchemas()).toBeGreaterThan(h.app.syntraRoutes().length);
    expect(h.app.compileSchemas()).toBe(0);
  });

  it('a route compiled on its first request validates and serializes as before', async () => {
    const bad = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', payload: { kind: 'echo', input: {}, surprise: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringContaining('surprise') } });
    const ok = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', payload: { kind: 'echo', input: { message: 'hi' } } });
    expect(ok.statusCode).toBeLessThan(300);
    expect(ok.json()).toHaveProperty('runId');
  });
});
