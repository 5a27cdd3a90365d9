import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../helpers/db.js';
import { buildAccessTestApp, fakeClock, seedKey, seedUser, withKey, type AccessTestApp } from './access-app.js';

/**
 * Limits hold across API replicas: two app instances on one database share the counters
 * (on the postgres backend each app has its own connection pool, like two processes).
 */
let tdb: TestDatabase;
let secondDb: Database;
let a: AccessTestApp;
let b: AccessTestApp;
const clock = fakeClock(Date.UTC(2030, 0, 1, 12, 0, 5));
let ownerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  secondDb = testBackend() === 'postgres' ? connectPostgres(tdb.url!) : tdb.db;
  const options = {
    clock: () => clock.now,
    rateLimitStore: 'database' as const,
    rateLimits: {
      default: { perMinute: 5, perHour: 8 },
      anonymous: { perMinute: 3, perHour: 100 },
      roles: { operator: { perMinute: 7, perHour: 100 } },
    },
  };
  a = await buildAccessTestApp(tdb.db, options);
  b = await buildAccessTestApp(secondDb, options);
  ownerId = (await seedUser(tdb.db, 'dev@example.com', ['developer'])).user.id;
});

afterAll(async () => {
  await a?.app.close();
  await b?.app.close();
  if (secondDb && secondDb !== tdb.db) await secondDb.close();
  await tdb?.drop();
});

const hit = (app: AccessTestApp, headers: Record<string, string>, url = '/t/runs/x/r') => app.app.inject({ method: 'GET', url, headers });

describe('rate limits across two API instances on one database', () => {
  it('counts one budget per key across both instances, per minute and per hour', async () => {
    const key = await seedKey(tdb.db, ownerId, 'live');
    const seen: { status: number; remaining: string; limit: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await hit(i % 2 === 0 ? a : b, withKey(key.secret));
      seen.push({ status: res.statusCode, remaining: String(res.headers['x-ratelimit-remaining']), limit: String(res.headers['x-ratelimit-limit']) });
    }
    expect(seen.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 429]);
    // The hour window (8) has more left than the minute window (5) until the end: headers follow the minute.
    expect(seen.map((s) => s.remaining)).toEqual(['4', '3', '2', '1', '0', '0']);
    expect(seen[0]!.limit).toBe('5');

    const limited = await hit(a, withKey(key.secret));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBe(55);
    expect(Number(limited.headers['x-ratelimit-reset'])).toBe(55);

    // Next minute: the minute window resets; the hour window (7 of 8 used) now binds.
    clock.advance(60_000);
    const next = await hit(b, withKey(key.secret));
    expect(next.statusCode).toBe(200);
    expect(next.headers['x-ratelimit-limit']).toBe('8');
    expect(next.headers['x-ratelimit-remaining']).toBe('0');
    const overHour = await hit(a, withKey(key.secret));
    expect(overHour.statusCode).toBe(429);
    expect(overHour.json().error.details.window).toBe('hour');

    clock.advance(3_600_000);
    expect((await hit(a, withKey(key.secret))).statusCode).toBe(200);
  });

  it('limits unauthenticated requests per IP — login included — and says so on 401s and 404s', async () => {
    const statuses: number[] = [];
    const first = await b.app.inject({ method: 'GET', url: '/t/runs/x/r', remoteAddress: '10.0.0.9' });
    statuses.push(first.statusCode);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    const notFound = await a.app.inject({ method: 'GET', url: '/nope', remoteAddress: '10.0.0.9' });
    statuses.push(notFound.statusCode);
    expect(notFound.headers['x-ratelimit-remaining']).toBe('1');
    for (let i = 0; i < 2; i++) {
      const res = await (i ? a : b).app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '10.0.0.9', payload: { email: 'x@example.com', password: 'nope' } });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 404, 401, 429]);
    // Another address is not affected.
    expect((await a.app.inject({ method: 'GET', url: '/t/public', remoteAddress: '10.0.0.10' })).statusCode).toBe(200);
  });

  it('takes limits from the role, and per-key overrides over the role', async () => {
    const operator = await seedUser(tdb.db, 'op@example.com', ['operator']);
    const roleKey = await seedKey(tdb.db, operator.user.id, 'live');
    const res = await hit(a, withKey(roleKey.secret));
    expect(res.headers['x-ratelimit-limit']).toBe('7');

    const tight = await seedKey(tdb.db, operator.user.id, 'live', { rateLimit: { perMinute: 2 } });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await hit(i % 2 ? a : b, withKey(tight.secret))).statusCode);
    expect(codes).toEqual([200, 200, 429]);
  });

  it("GET /v1/rate-limit shows the caller's windows", async () => {
    const key = await seedKey(tdb.db, ownerId, 'test');
    await hit(a, withKey(key.secret));
    const res = await b.app.inject({ method: 'GET', url: '/v1/rate-limit', headers: withKey(key.secret) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.subject).toBe(`key:${key.id}`);
    expect(body.windows).toEqual([
      expect.objectContaining({ window: 'minute', limit: 5, used: 2, remaining: 3 }),
      expect.objectContaining({ window: 'hour', limit: 8, used: 2, remaining: 6 }),
    ]);
  });
});

describe('the memory store (embedded mode, one process)', () => {
  const budgetsHoldWithoutSharing = async (options: { rateLimitStore?: 'memory' }) => {
    const solo = await buildAccessTestApp(tdb.db, { clock: () => clock.now, rateLimits: { default: { perMinute: 2, perHour: 10 } }, ...options });
    try {
      const key = await seedKey(tdb.db, ownerId, 'live');
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await hit(solo, withKey(key.secret))).statusCode);
      expect(codes).toEqual([200, 200, 429]);
      // Not shared: the database-backed instances have not seen these requests.
      expect((await hit(a, withKey(key.secret))).headers['x-ratelimit-remaining']).toBe('4');
    } finally {
      await solo.app.close();
    }
  };

  it('enforces the same budgets when chosen, without sharing them', () => budgetsHoldWithoutSharing({ rateLimitStore: 'memory' }));

  // On a PostgreSQL server the default is the shared database store, tested above.
  it.skipIf(testBackend() !== 'pglite')('is the default on PGlite', () => budgetsHoldWithoutSharing({}));
});
