import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { PERMISSIONS } from '../../src/access/permissions.js';
import { declarationProblem } from '../../src/api/permissions.js';
import { startApiHarness, type ApiHarness } from './harness.js';

/**
 * The authorization seam: every route declares the permission it needs or that it is public,
 * and an app with an undeclared route refuses to start — so when auth arrives, no route is
 * silently left open.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  await h.app.ready();
});
afterAll(async () => h?.close());

const freshApp = () => buildApp({ config: h.config, db: h.db, bus: h.bus, logger: false });

describe('route permission declarations', () => {
  it('every route of the app declares exactly one of permission or public', () => {
    const routes = h.app.syntraRoutes();
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) expect(declarationProblem(r), `${r.method} ${r.url}`).toBeUndefined();
  });

  it('the core routes need the permissions the wire contract implies', () => {
    const need = Object.fromEntries(h.app.syntraRoutes().map((r) => [`${r.method} ${r.url}`, r.public ? 'public' : r.permission]));
    expect(need).toMatchObject({
      'POST /v1/commands/submit': 'runs:write',
      'GET /v1/runs': 'runs:read',
      'GET /v1/runs/:runId': 'runs:read',
      'GET /v1/runs/:runId/events': 'runs:read',
      'POST /v1/runs/:runId/cancel': 'runs:write',
      'POST /v1/queue/claim': 'queue:work',
      'POST /v1/queue/renew': 'queue:work',
      'POST /v1/queue/complete': 'queue:work',
      'POST /v1/queue/fail': 'queue:work',
      'GET /healthz': 'public',
      'GET /readyz': 'public',
      'GET /metrics': 'control:read',
      'GET /openapi.json': 'public',
    });
    expect(PERMISSIONS).toEqual(expect.arrayContaining(['runs:read', 'runs:write', 'queue:work']));
  });

  it('an app with a route that declares nothing fails to start, naming the route', async () => {
    const app = await freshApp();
    app.get('/v1/forgotten', async () => ({ ok: true }));
    await expect(app.ready()).rejects.toThrow(/GET \/v1\/forgotten declares neither config\.permission nor config\.public/);
    await app.close().catch(() => {});
  });

  it('a route in an encapsulated plugin is checked too', async () => {
    const app = await freshApp();
    await app.register(async (scope) => {
      scope.post('/v1/nested', async () => ({ ok: true }));
    });
    await expect(app.ready()).rejects.toThrow(/POST \/v1\/nested/);
    await app.close().catch(() => {});
  });

  it('declaring both public and a permission is refused', async () => {
    const app = await freshApp();
    app.get('/v1/confused', { config: { public: true, permission: 'runs:read' } }, async () => ({ ok: true }));
    await expect(app.ready()).rejects.toThrow(/GET \/v1\/confused declares both/);
    await app.close().catch(() => {});
  });

  it('an unknown permission name is refused', async () => {
    const app = await freshApp();
    const start = async () => {
      app.get('/v1/typo', { config: { permission: 'runs:raed' as never } }, async () => ({ ok: true }));
      await app.ready();
    };
    await expect(start()).rejects.toThrow(/GET \/v1\/typo .*unknown permission "runs:raed"/);
    await app.close().catch(() => {});
  });

  it('a declared route starts fine and is reachable', async () => {
    const app = await freshApp();
    app.get('/v1/declared', { config: { permission: 'runs:read' } }, async () => ({ ok: true }));
    const res = await app.inject({ url: '/v1/declared', headers: h.authHeaders });
    expect(res.json()).toEqual({ ok: true });
    await app.close();
  });
});

describe('the error handler', () => {
  it('turns an unexpected error into a generic 500 internal without leaking its message or stack', async () => {
    const app = await freshApp();
    app.get('/v1/explodes', { config: { permission: 'runs:read' } }, async () => {
      throw new Error('secret detail: password=hunter2');
    });
    const res = await app.inject({ url: '/v1/explodes', headers: h.authHeaders });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal server error' } });
    expect(res.body).not.toContain('hunter2');
    await app.close();
  });

  it('keeps the meaning of a plugin’s 4xx (e.g. 429 → rate_limited)', async () => {
    const app = await freshApp();
    app.get('/v1/limited', { config: { permission: 'runs:read' } }, async () => {
      throw Object.assign(new Error('slow down'), { statusCode: 429 });
    });
    const res = await app.inject({ url: '/v1/limited', headers: h.authHeaders });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toEqual({ error: { code: 'rate_limited', message: 'slow down' } });
    await app.close();
  });
});
