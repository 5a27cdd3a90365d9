import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type SyntraApp } from '../../src/api/app.js';
import { openBus, type Bus } from '../../src/bus/bus.js';
import { loadConfig } from '../../src/config.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createApiKey } from '../../src/access/api-keys.js';
import { createTestKey } from './admin-key.js';

/**
 * Access control inside the real app (buildApp): every documented route needs credentials
 * unless it is explicitly public, and namespace isolation holds on the runs routes.
 */
let tdb: TestDatabase;
let bus: Bus;
let app: SyntraApp;
let admin: Record<string, string>;
let teamA: Record<string, string>;
let teamATest: Record<string, string>;
const PARAM = '0190f5a4-8b2c-7d3e-9f00-000000000000';
// The only operations anyone may call without credentials: health, readiness, login (and refresh,
// which its HTTP-only cookie authenticates). /api/health is the investigation interface's health probe.
const PUBLIC_OPERATIONS = ['GET /healthz', 'GET /readyz', 'GET /api/health', 'POST /v1/auth/login', 'POST /v1/auth/refresh'];

beforeAll(async () => {
  tdb = await createTestDatabase();
  const config = loadConfig({ NATS_URL: '', SYNTRA_LOG_LEVEL: 'silent' }, { host: '127.0.0.1', port: 0 });
  bus = await openBus(config);
  app = await buildApp({ config, db: tdb.db, bus, logger: false });
  await app.ready();
  await announceWorker(tdb.db, { workerId: 'test', transport: 'database', taskTypes: ['echo'] });
  admin = (await createTestKey(tdb.db)).headers;
  teamA = (await createTestKey(tdb.db, { roles: ['developer'], type: 'live', namespaces: ['team-a'] })).headers;
  teamATest = (await createTestKey(tdb.db, { roles: ['developer'], type: 'test', namespaces: ['team-a'] })).headers;
});

afterAll(async () => {
  await app?.close();
  await bus?.close().catch(() => {});
  await tdb?.drop();
});

describe('every route in the OpenAPI document', () => {
  it('requires authentication unless it is explicitly public (health, readiness, login)', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(['apiKey', 'bearer']));
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ method: m.toUpperCase(), path: p, op })));
    expect(operations.length).toBeGreaterThan(20);
    const documentedPublic: string[] = [];
    for (const [i, { method, path, op }] of operations.entries()) {
      const name = `${method} ${path}`;
      if (Array.isArray(op.security) && op.security.length === 0) documentedPublic.push(name);
      const url = path.replace(/\{[^}]+\}/g, PARAM);
      // One address per request: the anonymous rate limit (per address) is not what this checks.
      const remoteAddress = `10.77.${i >> 8}.${i & 255}`;
      const res = await app.inject({ method: method as 'GET', url, remoteAddress, ...(method === 'GET' || method === 'HEAD' ? {} : { payload: {} }) });
      if (PUBLIC_OPERATIONS.includes(name)) {
        if (name !== 'POST /v1/auth/refresh') expect(res.statusCode, name).not.toBe(401);
      } else {
        expect({ name, status: res.statusCode, code: res.json().error?.code }).toEqual({ name, status: 401, code: 'unauthenticated' });
      }
    }
    for (const name of documentedPublic) expect(PUBLIC_OPERATIONS, name).toContain(name);
    expect(documentedPublic).toEqual(expect.arrayContaining(['GET /healthz', 'GET /readyz', 'POST /v1/auth/login', 'POST /v1/auth/refresh']));
  });

  it('declares public only the probes, login/refresh, the API documents, the panel files and /graphql (authorized per field)', () => {
    const open = app.syntraRoutes().filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    for (const route of open) {
      expect(route, route).toMatch(
        /^((HEAD,)?GET|HEAD) \/(healthz|readyz|api\/health|openapi\.json|docs.*|index\.html|assets\/[\w.-]+)?$|^POST \/v1\/auth\/(login|refresh)$|^OPTIONS \*$|^(GET|HEAD|POST) \/graphql$/,
      );
    }
  });
});

describe('namespace isolation on the runs routes', () => {
  let runA: string;
  let runB: string;
  const submit = (headers: Record<string, string>, body: object) =>
    app.inject({ method: 'POST', url: '/v1/commands/submit', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  beforeAll(async () => {
    runA = (await submit(admin, { kind: 'echo', input: {}, namespace: 'team-a' })).json().runId;
    runB = (await submit(admin, { kind: 'echo', input: {}, namespace: 'team-b' })).json().runId;
    expect(runA).toBeTruthy();
    expect(runB).toBeTruthy();
  });

  it("answers 404 for another namespace's run by id, exactly as for a run that does not exist", async () => {
    expect((await app.inject({ url: `/v1/runs/${runA}`, headers: teamA })).statusCode).toBe(200);
    const other = await app.inject({ url: `/v1/runs/${runB}`, headers: teamA });
    const missing = await app.inject({ url: `/v1/runs/${PARAM}`, headers: teamA });
    expect({ status: other.statusCode, code: other.json().error.code }).toEqual({ status: 404, code: 'not_found' });
    expect(other.json().error.message.replace(runB, 'ID')).toBe(missing.json().error.message.replace(PARAM, 'ID'));
  });

  it('leaves other namespaces out of listings', async () => {
    const ids = (await app.inject({ url: '/v1/runs?limit=100', headers: teamA })).json().items.map((r: { id: string }) => r.id);
    expect(ids).toContain(runA);
    expect(ids).not.toContain(runB);
    const all = (await app.inject({ url: '/v1/runs?limit=100', headers: admin })).json().items.map((r: { id: string }) => r.id);
    expect(all).toEqual(expect.arrayContaining([runA, runB]));
  });

  it("answers 404 for another namespace's event stream and cancel", async () => {
    const stream = await app.inject({ url: `/v1/runs/${runB}/events`, headers: teamA });
    expect({ status: stream.statusCode, code: stream.json().error.code }).toEqual({ status: 404, code: 'not_found' });
    const cancel = await app.inject({ method: 'POST', url: `/v1/runs/${runB}/cancel`, headers: teamA });
    expect({ status: cancel.statusCode, code: cancel.json().error.code }).toEqual({ status: 404, code: 'not_found' });
  });

  it('refuses to submit into another namespace (403), and defaults to the only allowed one', async () => {
    const outside = await submit(teamA, { kind: 'echo', input: {}, namespace: 'team-b' });
    expect({ status: outside.statusCode, code: outside.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    const defaulted = await submit(teamA, { kind: 'echo', input: {} });
    expect(defaulted.statusCode).toBe(201);
    const detail = await app.inject({ url: `/v1/runs/${defaulted.json().runId}`, headers: teamA });
    expect(detail.json().run.namespace).toBe('team-a');
  });

  it('keeps a test key off submit, cancel and the worker protocol', async () => {
    for (const url of ['/v1/commands/submit', `/v1/runs/${runA}/cancel`, '/v1/queue/claim']) {
      const res = await app.inject({ method: 'POST', url, headers: teamATest, payload: {} });
      expect({ url, status: res.statusCode, code: res.json().error.code }).toEqual({ url, status: 403, code: 'read_only_key' });
    }
  });

  it('scopes idempotency keys to the submitter', async () => {
    const body = { kind: 'echo', input: { same: true }, namespace: 'team-a' };
    const mine = await submit({ ...teamA, 'idempotency-key': 'k-1' }, body);
    const theirs = await submit({ ...admin, 'idempotency-key': 'k-1' }, body);
    expect(mine.statusCode).toBe(201);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().runId).not.toBe(mine.json().runId);
  });

  it('scopes idempotency keys per credential and namespace, and a 409 never names another scope’s run', async () => {
    // One person, two keys: one for team-a, one for team-b (the reported leak: per user, not per credential).
    const owner = await createTestKey(tdb.db, { roles: ['developer'], type: 'live', namespaces: ['team-a', 'team-b'] });
    const keyA = { 'x-api-key': (await createApiKey(tdb.db, { ownerId: owner.userId, name: 'a', type: 'live', namespaces: ['team-a'] })).secret };
    const keyB = { 'x-api-key': (await createApiKey(tdb.db, { ownerId: owner.userId, name: 'b', type: 'live', namespaces: ['team-b'] })).secret };
    const first = await submit({ ...keyA, 'idempotency-key': 'shared' }, { kind: 'echo', input: { n: 1 } });
    expect(first.statusCode).toBe(201);
    const other = await submit({ ...keyB, 'idempotency-key': 'shared' }, { kind: 'echo', input: { n: 2 } });
    expect(other.statusCode).toBe(201);
    expect(JSON.stringify(other.json())).not.toContain(first.json().runId);

    // One unscoped credential, the same key in two namespaces: two runs, no conflict naming the first.
    const inA = await submit({ ...admin, 'idempotency-key': 'per-namespace' }, { kind: 'echo', input: {}, namespace: 'team-a' });
    const inB = await submit({ ...admin, 'idempotency-key': 'per-namespace' }, { kind: 'echo', input: { other: true }, namespace: 'team-b' });
    expect([inA.statusCode, inB.statusCode]).toEqual([201, 201]);
    expect(JSON.stringify(inB.json())).not.toContain(inA.json().runId);

    // Within one scope the contract is unchanged: a replay is 200 with the same run, another body 409.
    const replay = await submit({ ...keyA, 'idempotency-key': 'shared' }, { kind: 'echo', input: { n: 1 } });
    expect({ status: replay.statusCode, runId: replay.json().runId }).toEqual({ status: 200, runId: first.json().runId });
    expect((await submit({ ...keyA, 'idempotency-key': 'shared' }, { kind: 'echo', input: { n: 3 } })).statusCode).toBe(409);
  });

  it('accepts an Idempotency-Key of the declared maximum, 255 characters', async () => {
    const res = await submit({ ...teamA, 'idempotency-key': 'k'.repeat(255) }, { kind: 'echo', input: {} });
    expect(res.statusCode).toBe(201);
  });

  it('audits mutating requests and denials with who, what and where', async () => {
    const events = (await app.inject({ url: '/v1/audit?limit=200', headers: admin })).json().events as { action: string; result: string; namespace: string | null; details: { code?: string } }[];
    expect(events.some((e) => e.action === 'http.post /v1/commands/submit' && e.result === 'ok' && e.namespace === 'team-a')).toBe(true);
    expect(events.some((e) => e.action === 'auth.denied' && e.details.code === 'read_only_key')).toBe(true);
    expect(events.some((e) => e.action === 'auth.denied' && e.details.code === 'unauthenticated')).toBe(true);
  });
});
