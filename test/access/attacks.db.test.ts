import { SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { buildAccessTestApp, fakeClock, refreshCookieOf, seedKey, seedUser, withBearer, withKey, type AccessTestApp, type Identity } from './access-app.js';

/**
 * The table of attacks from the access issue: each one is denied with an exact status and
 * error code, and each one leaves a trace in the audit trail.
 */
let tdb: TestDatabase;
let t: AccessTestApp;
const clock = fakeClock();
let admin: Identity;
let dev: Identity;
let adminKey: string;
let liveKey: { id: string; secret: string };
let testKey: { id: string; secret: string };

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await buildAccessTestApp(tdb.db, {
    clock: () => clock.now,
    // Generous budgets: this file is about denials, not rate limits.
    rateLimits: { default: { perMinute: 10_000, perHour: 100_000 }, anonymous: { perMinute: 10_000, perHour: 100_000 } },
  });
  admin = await seedUser(tdb.db, 'admin@example.com', ['admin']);
  dev = await seedUser(tdb.db, 'dev@example.com', ['developer'], ['team-a']);
  adminKey = (await seedKey(tdb.db, admin.user.id, 'admin')).secret;
  liveKey = await seedKey(tdb.db, dev.user.id, 'live');
  testKey = await seedKey(tdb.db, dev.user.id, 'test');
});

afterAll(async () => {
  await t?.app.close();
  await tdb?.drop();
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string> = {}, payload: object = {}) => t.app.inject({ method: 'POST', url, headers, payload });

async function login(who: Identity) {
  const res = await post('/v1/auth/login', {}, { email: who.user.email, password: who.password });
  expect(res.statusCode).toBe(200);
  return { token: res.json().accessToken as string, refresh: refreshCookieOf(res) };
}

const refreshWith = (cookie: string) => t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { syntra_refresh: cookie } });

function expectDenied(res: { statusCode: number; json(): unknown }, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { error?: { code?: string } }).error?.code }).toEqual({ status, code });
}

describe('API keys', () => {
  it('accepts the real key (the baseline the attacks deviate from)', async () => {
    const res = await get('/t/runs/team-a/r1', withKey(liveKey.secret));
    expect(res.statusCode).toBe(200);
  });

  it('refuses a key that shares a real key prefix', async () => {
    const forged = liveKey.secret.slice(0, 20) + 'A'.repeat(liveKey.secret.length - 20);
    expect(forged).not.toBe(liveKey.secret);
    expectDenied(await get('/t/runs/team-a/r1', withKey(forged)), 401, 'invalid_credentials');
  });

  it.each([
    ['truncated by one character', (k: string) => k.slice(0, -1)],
    ['truncated to the display prefix', (k: string) => k.slice(0, 12)],
    ['padded with a character', (k: string) => `${k}A`],
    ['padded with base64 padding', (k: string) => `${k}==`],
    ['with its type prefix swapped', (k: string) => k.replace('sk_live_', 'sk_admin_')],
  ])('refuses a key %s', async (_name, mutate) => {
    expectDenied(await get('/t/runs/team-a/r1', withKey(mutate(liveKey.secret))), 401, 'invalid_credentials');
  });

  it('refuses a revoked key', async () => {
    const k = await seedKey(tdb.db, dev.user.id, 'live');
    const revoke = await post(`/v1/keys/${k.id}/revoke`, withKey(adminKey));
    expect(revoke.statusCode).toBe(200);
    expectDenied(await get('/t/runs/team-a/r1', withKey(k.secret)), 401, 'credentials_revoked');
  });

  it('refuses an expired key', async () => {
    const k = await seedKey(tdb.db, dev.user.id, 'live', { expiresAt: new Date(clock.now + 60_000) });
    expect((await get('/t/runs/team-a/r1', withKey(k.secret))).statusCode).toBe(200);
    clock.advance(61_000);
    expectDenied(await get('/t/runs/team-a/r1', withKey(k.secret)), 401, 'credentials_expired');
  });

  it('keeps a rotated key working for its grace period only', async () => {
    const k = await seedKey(tdb.db, dev.user.id, 'live');
    const res = await post(`/v1/keys/${k.id}/rotate`, withKey(adminKey), { graceSeconds: 300 });
    expect(res.statusCode).toBe(201);
    const replacement = res.json().secret as string;
    expect((await get('/t/runs/team-a/r1', withKey(k.secret))).statusCode).toBe(200);
    expect((await get('/t/runs/team-a/r1', withKey(replacement))).statusCode).toBe(200);
    clock.advance(301_000);
    expectDenied(await get('/t/runs/team-a/r1', withKey(k.secret)), 401, 'credentials_revoked');
    expect((await get('/t/runs/team-a/r1', withKey(replacement))).statusCode).toBe(200);
  });

  it('never lets a test key reach a route that writes — every such route of the app', async () => {
    const writing = t.routes.filter((r) => {
      const config = (r.config ?? {}) as { permission?: string; public?: boolean };
      const methods = ([] as string[]).concat(r.method as string | string[]);
      if (config.public) return false;
      return methods.some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(m)) || /:(write|create|manage)$|^queue:work$/.test(config.permission ?? '');
    });
    expect(writing.length).toBeGreaterThanOrEqual(10);
    for (const route of writing) {
      const method = ([] as string[]).concat(route.method as string | string[])[0]!;
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-7000-8000-000000000000');
      const res = await t.app.inject({ method: method as 'GET', url, headers: withKey(testKey.secret), ...(method === 'GET' ? {} : { payload: {} }) });
      const code = method === 'HEAD' ? 'read_only_key' /* HEAD answers carry no body */ : res.json().error?.code;
      expect({ route: `${method} ${route.url}`, status: res.statusCode, code }).toEqual({
        route: `${method} ${route.url}`,
        status: 403,
        code: 'read_only_key',
      });
    }
    // …while reading still works.
    expect((await get('/t/runs/team-a/r1', withKey(testKey.secret))).statusCode).toBe(200);
  });
});

describe('authorization', () => {
  it('answers 401 with how to authenticate when no credentials are sent', async () => {
    const res = await get('/t/runs/team-a/r1');
    expectDenied(res, 401, 'unauthenticated');
    expect(res.json().error.message).toMatch(/X-API-Key/);
  });

  it('answers 403 naming the missing permission', async () => {
    const res = await post('/t/control', withKey(liveKey.secret));
    expectDenied(res, 403, 'forbidden');
    expect(res.json().error.message).toContain('control:write');
  });

  it('refuses a route that declares no permission, even to an admin', async () => {
    expectDenied(await get('/t/undeclared', withKey(adminKey)), 403, 'forbidden');
  });

  it("hides another namespace's resource as 404", async () => {
    expectDenied(await get('/t/runs/team-b/r1', withKey(liveKey.secret)), 404, 'not_found');
    expect((await get('/t/runs/team-b/r1', withKey(adminKey))).statusCode).toBe(200);
  });

  it('keeps users management from a non-admin', async () => {
    const { token } = await login(dev);
    expectDenied(await get('/v1/users', withBearer(token)), 403, 'forbidden');
    expectDenied(await get('/v1/keys', withBearer(token)), 403, 'forbidden');
  });
});

describe('JWT access tokens', () => {
  const claimsOf = (token: string) => JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1]!))) as Record<string, unknown>;
  const headerOf = (token: string) => JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0]!))) as Record<string, unknown>;
  const encode = (o: object) => base64url.encode(JSON.stringify(o));

  it('accepts a fresh token (baseline) with the claims the issue lists', async () => {
    const { token } = await login(dev);
    expect((await get('/t/runs/team-a/r1', withBearer(token))).statusCode).toBe(200);
    expect(Object.keys(claimsOf(token))).toEqual(expect.arrayContaining(['sub', 'email', 'roles', 'permissions', 'namespaces', 'exp', 'jti']));
    expect(headerOf(token)).toMatchObject({ alg: 'HS256', kid: expect.any(String) });
  });

  it('refuses alg: none', async () => {
    const { token } = await login(dev);
    const forged = `${encode({ ...headerOf(token), alg: 'none' })}.${token.split('.')[1]}.`;
    expectDenied(await get('/t/runs/team-a/r1', withBearer(forged)), 401, 'invalid_credentials');
  });

  it('refuses a wrong signature', async () => {
    const { token } = await login(dev);
    const claims = claimsOf(token);
    const forged = await new SignJWT(claims).setProtectedHeader(headerOf(token) as { alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)));
    expectDenied(await get('/t/runs/team-a/r1', withBearer(forged)), 401, 'invalid_credentials');
  });

  it('refuses tampered claims', async () => {
    const { token } = await login(dev);
    const [h, , s] = token.split('.');
    const escalated = encode({ ...claimsOf(token), roles: ['admin'], namespaces: null, permissions: ['control:write', 'users:manage'] });
    expectDenied(await post('/t/control', withBearer(`${h}.${escalated}.${s}`)), 401, 'invalid_credentials');
  });

  it('refuses an expired token', async () => {
    const { token } = await login(dev);
    clock.advance(15 * 60_000 + 1000);
    expectDenied(await get('/t/runs/team-a/r1', withBearer(token)), 401, 'credentials_expired');
  });
});

describe('refresh tokens', () => {
  it('rotates on refresh, and reuse of a rotated token revokes the whole family', async () => {
    const first = await login(dev);
    const r1 = await refreshWith(first.refresh);
    expect(r1.statusCode).toBe(200);
    const second = refreshCookieOf(r1);
    expect(second).not.toBe(first.refresh);
    expect(r1.cookies.find((c) => c.name === 'syntra_refresh')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });

    expectDenied(await refreshWith(first.refresh), 401, 'token_reused');
    // The legitimate holder's newer token died with the family.
    expectDenied(await refreshWith(second), 401, 'credentials_revoked');
  });

  it('reuse also ends every access token minted from the family at once, and only those', async () => {
    const stolen = await login(dev);
    const other = await login(dev); // another device: another family
    const r1 = await refreshWith(stolen.refresh);
    const minted = r1.json().accessToken as string;
    for (const token of [stolen.token, minted]) expect((await get('/v1/auth/me', withBearer(token))).statusCode).toBe(200);

    expectDenied(await refreshWith(stolen.refresh), 401, 'token_reused');
    for (const token of [stolen.token, minted]) expectDenied(await get('/v1/auth/me', withBearer(token)), 401, 'credentials_revoked');
    expect((await get('/v1/auth/me', withBearer(other.token))).statusCode).toBe(200);
  });

  it('refuses refresh after logout, and the access token too', async () => {
    const s = await login(dev);
    const out = await post('/v1/auth/logout', withBearer(s.token));
    expect(out.statusCode).toBe(204);
    expectDenied(await refreshWith(s.refresh), 401, 'credentials_revoked');
    expectDenied(await get('/t/runs/team-a/r1', withBearer(s.token)), 401, 'credentials_revoked');
  });

  it('refuses refresh after a password change', async () => {
    const who = await seedUser(tdb.db, 'changer@example.com', ['viewer']);
    const s = await login(who);
    const other = await login(who); // a second device
    const change = await post('/v1/auth/password', withBearer(s.token), { currentPassword: who.password, newPassword: 'a-brand-new-password-1' });
    expect(change.statusCode).toBe(204);
    expectDenied(await refreshWith(s.refresh), 401, 'credentials_revoked');
    expectDenied(await refreshWith(other.refresh), 401, 'credentials_revoked');
    const relogin = await post('/v1/auth/login', {}, { email: who.user.email, password: 'a-brand-new-password-1' });
    expect(relogin.statusCode).toBe(200);
  });
});

describe('brute-force login', () => {
  const attempt = (email: string, password: string, from: string) =>
    t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: from });

  /** Wrong passwords from one address until it is locked out; waits out each slowdown on the fake clock. */
  async function guessUntilLocked(email: string, from: string): Promise<string[]> {
    const outcomes: string[] = [];
    for (let i = 0; outcomes.length < 60; i++) {
      const res = await attempt(email, `guess-${i}`, from);
      const code = res.json().error.code as string;
      outcomes.push(`${res.statusCode} ${code}`);
      if (code === 'login_throttled') {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        clock.advance(Number(res.headers['retry-after']) * 1000);
      }
      if (code === 'account_locked') break;
    }
    return outcomes;
  }

  it('slows down, then locks the attacking address out of the account — never the account itself', async () => {
    const victim = await seedUser(tdb.db, 'victim@example.com', ['admin']);
    const outcomes = await guessUntilLocked('Victim@Example.com', '203.0.113.7');
    expect(outcomes.slice(0, 5)).toEqual(Array(5).fill('401 invalid_credentials'));
    expect(outcomes).toContain('429 login_throttled');
    expect(outcomes.filter((o) => o === '401 invalid_credentials')).toHaveLength(10);
    expect(outcomes.at(-1)).toBe('423 account_locked');

    // The attacker's address stays locked out of this account, even with the right password...
    const locked = await attempt(victim.user.email, victim.password, '203.0.113.7');
    expectDenied(locked, 423, 'account_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // ...while the owner, from their own address, gets in: at most a short slowdown, never a lock.
    let owner = await attempt(victim.user.email, victim.password, '198.51.100.20');
    if (owner.statusCode === 429) {
      expect(Number(owner.headers['retry-after'])).toBeLessThanOrEqual(2);
      clock.advance(Number(owner.headers['retry-after']) * 1000);
      owner = await attempt(victim.user.email, victim.password, '198.51.100.20');
    }
    expect(owner.statusCode).toBe(200);

    clock.advance(15 * 60_000 + 1000);
    expect((await attempt(victim.user.email, victim.password, '203.0.113.7')).statusCode).toBe(200);
  });

  it('never locks an account attacked from many addresses; each slowdown is at most 2 s', async () => {
    const victim = await seedUser(tdb.db, 'admin-under-spray@example.com', ['admin']);
    const waits: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await attempt(victim.user.email, `guess-${i}`, `192.0.2.${i + 1}`);
      if (res.statusCode === 429) waits.push(Number(res.headers['retry-after']));
      else expectDenied(res, 401, 'invalid_credentials');
      clock.advance(100);
    }
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(2);
    clock.advance(2000);
    expect((await attempt(victim.user.email, victim.password, '192.0.2.200')).statusCode).toBe(200);
  });

  it('locks out an address that sprays guesses across many accounts', async () => {
    // Same mechanism as the default (20 free, locked after 100), with small figures to keep the test short.
    const spray = await buildAccessTestApp(tdb.db, { clock: () => clock.now, loginThrottle: { source: { freeFailures: 3, lockAfter: 6 } } });
    const from = (email: string, password: string, address: string) =>
      spray.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: address });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 40 && !codes.includes('account_locked'); i++) {
        const res = await from(`sprayed-${i}@example.com`, 'Summer2024!', '203.0.113.99');
        const code = res.json().error.code as string;
        if (code === 'login_throttled') clock.advance(Number(res.headers['retry-after']) * 1000);
        codes.push(code);
      }
      expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(6);
      expect(codes.at(-1)).toBe('account_locked');
      const next = await from(dev.user.email, dev.password, '203.0.113.99');
      expect({ status: next.statusCode, scope: next.json().error.details?.scope }).toEqual({ status: 423, scope: 'ip' });
      expect((await from(dev.user.email, dev.password, '198.51.100.21')).statusCode).toBe(200);
    } finally {
      await spray.app.close();
    }
  });

  it('throttles unknown accounts the same way, revealing nothing', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) codes.push((await attempt('nobody@example.com', `guess-${i}`, '203.0.113.50')).json().error.code);
    expect(codes).toEqual([...Array(5).fill('invalid_credentials'), 'login_throttled', 'login_throttled']);
  });
});

describe('the audit trail', () => {
  it('shows each attack, and never a secret', async () => {
    const all: { action: string; result: string; details: { code?: string } }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await get(`/v1/audit?limit=100${cursor ? `&cursor=${cursor}` : ''}`, withKey(adminKey));
      expect(res.statusCode).toBe(200);
      all.push(...res.json().events);
      cursor = res.json().nextCursor;
      if (!cursor) break;
    }
    const denied = (code: string) => all.some((e) => e.action === 'auth.denied' && e.result === 'denied' && e.details.code === code);
    for (const code of ['invalid_credentials', 'credentials_revoked', 'credentials_expired', 'read_only_key', 'forbidden', 'unauthenticated']) {
      expect(denied(code), code).toBe(true);
    }
    expect(all.some((e) => e.action === 'auth.refresh_reuse' && e.details.code === 'token_reused')).toBe(true);
    expect(all.some((e) => e.action === 'auth.login' && e.result === 'failed')).toBe(true);
    expect(all.some((e) => e.action === 'auth.login' && e.result === 'denied' && e.details.code === 'account_locked')).toBe(true);
    expect(all.some((e) => e.action === 'auth.logout' && e.result === 'ok')).toBe(true);
    expect(all.some((e) => e.action === 'auth.password_change' && e.result === 'ok')).toBe(true);
    expect(all.some((e) => e.action === 'key.revoke')).toBe(true);
    expect(all.some((e) => e.action === 'key.rotate')).toBe(true);

    const text = JSON.stringify(all);
    for (const secret of [adminKey, liveKey.secret, testKey.secret, admin.password, dev.password]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/sk_(live|test|admin)_[0-9A-Za-z]{43}/);
  });
});
