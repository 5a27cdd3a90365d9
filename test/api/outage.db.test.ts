import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type SyntraApp } from '../../src/api/app.js';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import { createTestKey } from '../access/admin-key.js';
import { testBackend, useTestDatabase } from '../helpers/db.js';
import { startTcpProxy, viaProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { startApiHarness, type ApiHarness } from './harness.js';

/**
 * Outages answer like a service, not a crash: the database gone → 503 unavailable with
 * Retry-After, and the same requests succeed once it is back; the bus gone → still ready (the
 * workers poll), reported as degraded in /readyz and in a metric.
 */
describe('the bus is down', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => h?.close());

  it('/readyz stays 200, says degraded, and /metrics reports the bus disconnected; the API keeps working', async () => {
    const metric = async () => /^syntra_bus_connected (\d)$/m.exec((await h.app.inject({ url: '/metrics' })).body)?.[1];
    expect(await metric()).toBe('1');
    await h.bus.close();
    const ready = await h.app.inject({ url: '/readyz', headers: { authorization: '' } });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { database: 'ok', migrations: 'ok', bus: 'disconnected' } });
    expect(await metric()).toBe('0');
    const submitted = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', headers: { 'content-type': 'application/json' }, payload: '{"kind":"echo","input":{}}' });
    expect(submitted.statusCode).toBe(201);
  });
});

// PGlite lives inside the process; only a database server can become unreachable.
describe.skipIf(testBackend() !== 'postgres')('the database is unreachable', () => {
  const t = useTestDatabase();
  let proxy: TcpProxy;
  let db: Database;
  let app: SyntraApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    const target = new URL(t.url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    db = connectPostgres(viaProxy(t.url!, proxy));
    app = await buildApp({ config: loadConfig({ SYNTRA_LOG_LEVEL: 'silent' }), db, bus: createInProcessBus(), logger: false });
    headers = (await createTestKey(t.db)).headers;
    // A submit of a kind no worker ever served is refused: this file's echo is announced as served.
    await announceWorker(t.db, { workerId: 'outage-test', transport: 'database', taskTypes: ['echo'] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await proxy?.close();
  });

  const requests = () => [
    app.inject({ url: '/v1/runs', headers }),
    app.inject({ method: 'POST', url: '/v1/commands/submit', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"kind":"echo","input":{}}' }),
    app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":"nobody@example.test","password":"whatever"}' }),
  ];

  it('answers 503 unavailable with Retry-After while it is away, and serves again once it is back', async () => {
    expect((await Promise.all(requests())).map((r) => r.statusCode)).toEqual([200, 201, 401]);

    proxy.cut();
    for (const res of await Promise.all(requests())) {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().error.code).toBe('unavailable');
      expect(res.json().error.message).toMatch(/database/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('not_ready');

    proxy.restore();
    expect((await Promise.all(requests())).map((r) => r.statusCode)).toEqual([200, 201, 401]);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('connections the server terminates answer 503 (never 500) until the pool has replaced them', async () => {
    // What pg_terminate_backend or a PostgreSQL restart does to the pool's idle connections.
    await Promise.all(requests());
    await t.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    const statuses: number[] = [];
    for (let i = 0; i < 20 && statuses.at(-1) !== 200; i++) statuses.push((await app.inject({ url: '/v1/runs', headers })).statusCode);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.at(-1)).toBe(200);
  });

  it('the OpenAPI document says so: every operation that needs the database documents 503 with Retry-After', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>> };
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (path === '/healthz' || path === '/api/health') continue; // liveness: no dependencies
        const r503 = op.responses['503'];
        if (!r503?.headers?.['retry-after'] && path !== '/readyz') missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
