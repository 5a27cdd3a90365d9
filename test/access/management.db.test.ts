import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApiKey } from '../../src/access/api-keys.js';
import { adminPassword, assertSafeToBind, bootstrapAccess, ensureAdmin } from '../../src/access/bootstrap.js';
import { readCliConfig } from '../../src/access/cli-config.js';
import { authenticatePassword } from '../../src/access/users.js';
import { isSyntraError } from '../../src/domain/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { buildAccessTestApp, fakeClock, seedKey, seedUser, withBearer, withKey, type AccessTestApp, type Identity } from './access-app.js';

let tdb: TestDatabase;
let t: AccessTestApp;
const clock = fakeClock();
let admin: Identity;
let adminKey: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await buildAccessTestApp(tdb.db, { clock: () => clock.now });
  admin = await seedUser(tdb.db, 'admin@example.com', ['admin']);
  adminKey = (await seedKey(tdb.db, admin.user.id, 'admin')).secret;
});

afterAll(async () => {
  await t?.app.close();
  await tdb?.drop();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

describe('/v1/keys', () => {
  it('shows a new key once, stores only its hash, and lists it without the secret', async () => {
    const created = await call('POST', '/v1/keys', withKey(adminKey), { name: 'ci', type: 'live', permissions: ['runs:read', 'runs:write'], namespaces: ['team-a'] });
    expect(created.statusCode).toBe(201);
    const { secret, key } = created.json();
    expect(secret).toMatch(/^sk_live_[0-9A-Za-z]{43}$/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    expect(key.prefix.length).toBeLessThan(16);
    const stored = await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE key_hash::text LIKE $1 OR name = $2', [`%${secret}%`, secret]);
    expect(stored.rows[0]!.n).toBe(0);

    const list = await call('GET', '/v1/keys', withKey(adminKey));
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).not.toContain(secret);
    expect(list.json().items.some((k: { id: string }) => k.id === key.id)).toBe(true);

    const me = await call('GET', '/v1/auth/me', withKey(secret));
    expect(me.json()).toMatchObject({ type: 'key', keyType: 'live', permissions: ['runs:read', 'runs:write'], namespaces: ['team-a'] });
  });

  it('refuses to mint a key stronger than its type, owner or creator', async () => {
    const liveWithManage = await call('POST', '/v1/keys', withKey(adminKey), { name: 'x', type: 'live', permissions: ['keys:manage'] });
    expect(liveWithManage.statusCode).toBe(403);
    const testWithWrite = await call('POST', '/v1/keys', withKey(adminKey), { name: 'x', type: 'test', permissions: ['runs:write'] });
    expect(testWithWrite.statusCode).toBe(403);
    const viewer = await seedUser(tdb.db, 'viewer@example.com', ['viewer']);
    const forViewer = await call('POST', '/v1/keys', withKey(adminKey), { name: 'x', type: 'live', ownerId: viewer.user.id, permissions: ['runs:write'] });
    expect(forViewer.statusCode).toBe(403);
    const unknownField = await call('POST', '/v1/keys', withKey(adminKey), { name: 'x', type: 'live', scopes: ['all'] });
    expect(unknownField.json().error.code).toBe('validation_failed');
  });

  it('rotates with a grace period and revokes', async () => {
    const k = await seedKey(tdb.db, admin.user.id, 'live');
    const rotated = await call('POST', `/v1/keys/${k.id}/rotate`, withKey(adminKey), { graceSeconds: 0 });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json().key.rotatedFrom).toBe(k.id);
    expect((await call('GET', '/v1/auth/me', withKey(k.secret))).json().error.code).toBe('credentials_revoked');
    const again = await call('POST', `/v1/keys/${k.id}/rotate`, withKey(adminKey), {});
    expect(again.json().error.code).toBe('conflict');
    const revoked = await call('POST', `/v1/keys/${rotated.json().key.id}/revoke`, withKey(adminKey));
    expect(revoked.statusCode).toBe(200);
    expect((await call('GET', '/v1/auth/me', withKey(rotated.json().secret))).json().error.code).toBe('credentials_revoked');
    expect((await call('POST', '/v1/keys/00000000-0000-7000-8000-000000000000/revoke', withKey(adminKey))).statusCode).toBe(404);
  });
});

describe('/v1/users', () => {
  it('creates, lists, changes roles and suspends — suspension ends keys and sessions at once', async () => {
    const created = await call('POST', '/v1/users', withKey(adminKey), { email: 'New@Example.com', password: 'twelve-chars-at-least', roles: ['developer'] });
    expect(created.statusCode).toBe(201);
    const user = created.json().user;
    expect(user.email).toBe('new@example.com');
    const dup = await call('POST', '/v1/users', withKey(adminKey), { email: 'new@example.com', password: 'twelve-chars-at-least', roles: ['viewer'] });
    expect(dup.json().error.code).toBe('conflict');

    const login = await call('POST', '/v1/auth/login', {}, { email: 'new@example.com', password: 'twelve-chars-at-least' });
    const token = login.json().accessToken as string;
    expect((await call('GET', '/v1/auth/me', withBearer(token))).json().permissions).toContain('runs:write');
    const key = await seedKey(tdb.db, user.id, 'live');

    const demoted = await call('PATCH', `/v1/users/${user.id}`, withKey(adminKey), { roles: ['viewer'] });
    expect(demoted.json().user.roles).toEqual(['viewer']);
    // The old token carried developer rights; a role change ends it.
    expect((await call('GET', '/v1/auth/me', withBearer(token))).json().error.code).toBe('credentials_revoked');
    // The key now holds at most what a viewer may.
    expect((await call('GET', '/v1/auth/me', withKey(key.secret))).json().permissions).not.toContain('runs:write');

    const suspended = await call('PATCH', `/v1/users/${user.id}`, withKey(adminKey), { status: 'suspended' });
    expect(suspended.json().user.status).toBe('suspended');
    expect((await call('GET', '/v1/auth/me', withKey(key.secret))).json().error.code).toBe('credentials_revoked');
    const relogin = await call('POST', '/v1/auth/login', {}, { email: 'new@example.com', password: 'twelve-chars-at-least' });
    expect(relogin.json().error.code).toBe('invalid_credentials');

    const list = await call('GET', '/v1/users?limit=1', withKey(adminKey));
    expect(list.json().items).toHaveLength(1);
    expect(list.json().nextCursor).toEqual(expect.any(String));
  });

  it('does not let an admin suspend themselves', async () => {
    const res = await call('PATCH', `/v1/users/${admin.user.id}`, withKey(adminKey), { status: 'suspended' });
    expect(res.json().error.code).toBe('conflict');
  });
});

describe('signing keys', () => {
  it('keeps verifying tokens of a rotated key for one access-token lifetime', async () => {
    const login = await call('POST', '/v1/auth/login', {}, { email: admin.user.email, password: admin.password });
    const before = login.json().accessToken as string;
    await t.access.keyRing.rotate();
    const after = (await call('POST', '/v1/auth/login', {}, { email: admin.user.email, password: admin.password })).json().accessToken as string;
    const kid = (tok: string) => JSON.parse(Buffer.from(tok.split('.')[0]!, 'base64url').toString()).kid;
    expect(kid(after)).not.toBe(kid(before));
    expect((await call('GET', '/v1/auth/me', withBearer(before))).statusCode).toBe(200);
    expect((await call('GET', '/v1/auth/me', withBearer(after))).statusCode).toBe(200);
  });
});

describe('audit listing', () => {
  it('pages with a cursor without repeats and filters by action prefix and result', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await call('GET', `/v1/audit?limit=2&action=key.*${cursor ? `&cursor=${cursor}` : ''}`, withKey(adminKey));
      for (const e of res.json().events as { id: string; action: string }[]) {
        expect(seen.has(e.id)).toBe(false);
        expect(e.action.startsWith('key.')).toBe(true);
        seen.add(e.id);
      }
      cursor = res.json().nextCursor;
      if (!cursor) break;
    }
    expect(seen.size).toBeGreaterThanOrEqual(3); // create, rotate, revoke: two pages
    const failed = await call('GET', '/v1/audit?result=denied', withKey(adminKey));
    expect((failed.json().events as { result: string }[]).every((e) => e.result === 'denied')).toBe(true);
    expect((await call('GET', '/v1/audit?cursor=bogus', withKey(adminKey))).json().error.code).toBe('bad_request');
  });
});

describe('bootstrap', () => {
  it('creates the first admin and a CLI key in a 0600 config file, once', async () => {
    const fresh = await createTestDatabase();
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'syntra-cfg-'));
      const env = { SYNTRA_CONFIG_DIR: dir };
      const opts = { mode: 'embedded' as const, endpoint: 'http://127.0.0.1:7070', host: '127.0.0.1', env };
      const first = await bootstrapAccess(fresh.db, opts);
      expect(first.admin).toMatchObject({ email: 'admin@localhost', created: true, generatedPassword: expect.any(String) });
      const file = path.join(dir, 'config.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const config = readCliConfig(file)!;
      expect(config.endpoint).toBe('http://127.0.0.1:7070');
      const principal = await resolveApiKey(fresh.db, config.apiKey!);
      expect(principal.keyType).toBe('admin');

      const second = await bootstrapAccess(fresh.db, opts);
      expect(second.admin.created).toBe(false);
      expect(second.cliConfig?.keyCreated).toBe(false);
      expect(readCliConfig(file)!.apiKey).toBe(config.apiKey);
    } finally {
      await fresh.drop();
    }
  });

  it('a first admin whose password was hashed ahead (while a new database opened) logs in with the password it printed; an admin already there is kept', async () => {
    const fresh = await createTestDatabase();
    try {
      const created = await ensureAdmin(fresh.db, {}, adminPassword({}));
      const password = created.admin.generatedPassword!;
      expect(created.admin).toMatchObject({ email: 'admin@localhost', created: true });
      expect((await authenticatePassword(fresh.db, 'admin@localhost', password)).id).toBe(created.createdId);
      const chosen = adminPassword({ SYNTRA_ADMIN_PASSWORD: 'a-chosen-password-42' });
      expect(chosen).toMatchObject({ password: 'a-chosen-password-42', generated: false });
      expect(await ensureAdmin(fresh.db, {}, chosen)).toEqual({ admin: { email: 'admin@localhost', created: false } });
      expect((await authenticatePassword(fresh.db, 'admin@localhost', password)).id).toBe(created.createdId);
    } finally {
      await fresh.drop();
    }
  });

  it('refuses a non-loopback address until the admin credentials are chosen', async () => {
    const fresh = await createTestDatabase();
    try {
      const refused = await assertSafeToBind(fresh.db, '0.0.0.0', {}).catch((e: unknown) => e);
      expect(isSyntraError(refused) && refused.code === 'config_invalid').toBe(true);
      await assertSafeToBind(fresh.db, '::1', {});
      const env = { SYNTRA_ADMIN_EMAIL: 'ops@example.com', SYNTRA_ADMIN_PASSWORD: 'a-chosen-password-42' };
      const res = await bootstrapAccess(fresh.db, { mode: 'distributed', endpoint: 'http://x', host: '0.0.0.0', env });
      expect(res.admin).toEqual({ email: 'ops@example.com', created: true });
      // Once an admin exists, the address is fine without the variables.
      await assertSafeToBind(fresh.db, '0.0.0.0', {});
    } finally {
      await fresh.drop();
    }
  });
});
