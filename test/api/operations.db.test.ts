import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/db.js';
import { postJson, startApiHarness, type ApiHarness } from './harness.js';

/** Probes, metrics, the OpenAPI document and CORS. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ config: { corsOrigins: ['https://admin.example.test'] }, kinds: ['metrics.job'] });
});
afterAll(async () => h?.close());

const post = (url: string, body: unknown) => postJson(h, url, body);

describe('operations endpoints', () => {
  it('/healthz is ok', async () => {
    const res = await h.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is ready with every check ok', async () => {
    const res = await h.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    // The memory's vector storage, chosen at start: pgvector on PGlite, real[] on the CI PostgreSQL (no pgvector).
    const vectors = testBackend() === 'pglite' ? 'pgvector' : 'real[]';
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', bus: 'ok' }, details: { memory: { vectors, description: expect.stringMatching(vectors === 'pgvector' ? /^pgvector \d+\.\d+\.\d+, HNSW \(cosine\) on 512 dims$/ : /^real\[\]/) } } });
  });

  it('/metrics has the queue, latency, depth and HTTP metrics after a run', async () => {
    const submitted = await post('/v1/commands/submit', { kind: 'metrics.job', input: {} });
    expect(submitted.statusCode).toBe(201);
    const claimed = await post('/v1/queue/claim', { workerId: 'm', taskTypes: ['metrics.job'], limit: 1, leaseSeconds: 30 });
    const item = (claimed.json() as { items: Array<{ queueItemId: string; leaseToken: string }> }).items[0]!;
    expect((await post('/v1/queue/complete', { queueItemId: item.queueItemId, leaseToken: item.leaseToken, output: { ok: true } })).statusCode).toBe(200);

    const res = await h.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    for (const name of [
      'syntra_queue_claims_total',
      'syntra_queue_completions_total',
      'syntra_queue_failures_total',
      'syntra_queue_lease_expiries_total',
      'syntra_submit_to_claim_seconds_bucket',
      'syntra_run_duration_seconds_bucket',
      'syntra_http_requests_total',
    ]) {
      expect(text, name).toContain(name);
    }
    expect(text).toMatch(/syntra_queue_depth\{state="done"\} [1-9]/);
    expect(text).toMatch(/syntra_queue_depth\{state="available"\} \d+/);
    expect(text).toMatch(/syntra_http_requests_total\{method="POST",route="\/v1\/commands\/submit",status="201"\} [1-9]/);
  });

  it('/openapi.json is OpenAPI 3 and lists every API route', async () => {
    const res = await h.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const served = h.app
      .syntraRoutes()
      // GraphQL has its own schema (docs/graphql.md), the panel's files are not API operations.
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && r.url !== '/openapi.json' && !r.url.startsWith('/docs'))
      .filter((r) => r.url !== '/graphql' && r.url !== '/' && r.url !== '/index.html' && !r.url.startsWith('/assets/'))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    for (const expected of [
      'POST /v1/commands/submit',
      'GET /v1/runs',
      'GET /v1/runs/{runId}',
      'POST /v1/runs/{runId}/cancel',
      'GET /v1/runs/{runId}/events',
      'POST /v1/queue/claim',
      'POST /v1/queue/renew',
      'POST /v1/queue/complete',
      'POST /v1/queue/fail',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
    ]) {
      expect(served).toContain(expected);
    }
    for (const route of served) expect(documented, route).toContain(route);
  });

  it('/docs serves the browsable documentation', async () => {
    const res = await h.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('CORS answers allowed origins only', async () => {
    const preflight = (origin: string) =>
      h.app.inject({
        method: 'OPTIONS',
        url: '/v1/commands/submit',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://admin.example.test');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.test');
    const other = await preflight('https://evil.example.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('probes keep answering when the bus and database are gone: /healthz 200; /readyz degraded without the bus, 503 not_ready without the database', async () => {
    // Probes come without credentials, as a kubelet sends them.
    const probe = (url: string) => h.app.inject({ url, headers: { authorization: '' } });
    await h.bus.close();
    let res = await probe('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'degraded', checks: { database: 'ok', migrations: 'ok', bus: 'disconnected' } });

    await h.db.close();
    expect((await probe('/healthz')).statusCode).toBe(200);
    res = await probe('/readyz');
    expect(res.statusCode).toBe(503);
    const body = res.json() as { error: { code: string; message: string; details: { checks: Record<string, string> } } };
    expect(body.error.code).toBe('not_ready');
    expect(body.error.message).toMatch(/database unreachable/);
    expect(body.error.message).not.toMatch(/bus/);
    expect(body.error.details.checks.database).toMatch(/^unreachable/);
  });
});
