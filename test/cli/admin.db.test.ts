import { afterAll, describe, expect, it } from 'vitest';
import { adminCreateKey, adminResetPassword, ensureFirstAdmin } from '../../src/access/admin-tasks.js';
import { resolveApiKey } from '../../src/access/api-keys.js';
import { listAudit } from '../../src/access/audit.js';
import { masterKeyFrom } from '../../src/access/master-key.js';
import { createSigningKeyRing } from '../../src/access/signing-keys.js';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE } from '../../src/access/login-throttle.js';
import { authenticatePassword, createUser, getUser } from '../../src/access/users.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import { testBackend, useTestDatabase } from '../helpers/db.js';
import { killAll, runCli } from '../api/spawn-cli.js';

/**
 * Server-mode bootstrap: with DATABASE_URL alone an operator creates the first admin
 * (SYNTRA_ADMIN_*), mints keys of any type with scopes, namespaces and rate limits, resets a
 * password and lists workers — no running server, no API key. The tasks on both backends; the
 * command itself on PostgreSQL, the only backend with a DATABASE_URL.
 */
afterAll(() => killAll());

describe('the first admin', () => {
  const tdb = useTestDatabase();
  it('comes from SYNTRA_ADMIN_EMAIL / SYNTRA_ADMIN_PASSWORD on an empty database, once', async () => {
    expect(await ensureFirstAdmin(tdb.db, {})).toBeUndefined();
    const env = { SYNTRA_ADMIN_EMAIL: 'Ops@Example.com', SYNTRA_ADMIN_PASSWORD: 'first-admin-password' };
    expect(await ensureFirstAdmin(tdb.db, env)).toBe('ops@example.com');
    expect(await ensureFirstAdmin(tdb.db, { ...env, SYNTRA_ADMIN_EMAIL: 'someone@else.com' })).toBeUndefined();
    expect((await authenticatePassword(tdb.db, 'ops@example.com', 'first-admin-password')).roles).toEqual(['admin']);
  });
});

describe('admin tasks', () => {
  const tdb = useTestDatabase();

  it('mint a key of any type with permissions, namespaces and rate limits, for the first admin by default', async () => {
    await expect(adminCreateKey(tdb.db, { name: 'x', type: 'admin' })).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/SYNTRA_ADMIN_EMAIL/) });
    const admin = await createUser(tdb.db, { email: 'admin@example.test', password: 'admin-password-123', roles: ['admin'] });
    const { key, secret } = await adminCreateKey(tdb.db, {
      name: 'ci',
      type: 'live',
      permissions: ['runs:read', 'runs:write'],
      namespaces: ['staging'],
      rateLimit: { perMinute: 7, perHour: 70 },
    });
    expect(key.ownerId).toBe(admin.id);
    const principal = await resolveApiKey(tdb.db, secret);
    expect(principal).toMatchObject({ permissions: ['runs:read', 'runs:write'], namespaces: ['staging'], rateLimit: { perMinute: 7, perHour: 70 }, keyType: 'live' });
    const worker = await adminCreateKey(tdb.db, { ownerEmail: 'admin@example.test', name: 'pool', type: 'worker', namespaces: ['team-a'] });
    expect((await resolveApiKey(tdb.db, worker.secret)).permissions).toEqual(['queue:work']);
    const audit = await listAudit(tdb.db, { action: 'key.create' });
    expect(audit.events[0]).toMatchObject({ actorType: 'system', actorId: expect.stringMatching(/^syntra admin \(.+@.+\)$/) });
    expect(JSON.stringify(audit.events)).not.toContain(secret);
  });

  it('reset a password: sessions end, login locks on the account lift', async () => {
    const user = await createUser(tdb.db, { email: 'locked@example.test', password: 'old-password-123', roles: ['viewer'] });
    const throttle = createLoginThrottle(tdb.db, DEFAULT_LOGIN_THROTTLE);
    for (let i = 0; i < 10; i++) await throttle.recordFailure('locked@example.test', '203.0.113.5');
    await expect(throttle.check('locked@example.test', '203.0.113.5')).rejects.toMatchObject({ code: 'account_locked' });

    const { password, generated } = await adminResetPassword(tdb.db, 'Locked@Example.test');
    expect(generated).toBe(true);
    // A new session version: every access token issued before is refused (see sessions.ts).
    expect((await getUser(tdb.db, user.id))!.sessionVersion).toBeGreaterThan(user.sessionVersion);
    await throttle.check('locked@example.test', '203.0.113.5');
    await expect(authenticatePassword(tdb.db, 'locked@example.test', 'old-password-123')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect((await authenticatePassword(tdb.db, 'locked@example.test', password)).email).toBe('locked@example.test');
    await expect(adminResetPassword(tdb.db, 'nobody@example.test')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe.skipIf(testBackend() !== 'postgres')('syntra admin (PostgreSQL: DATABASE_URL only)', () => {
  const tdb = useTestDatabase();
  const env = () => ({ DATABASE_URL: tdb.url!, SYNTRA_ADMIN_EMAIL: 'root@example.test', SYNTRA_ADMIN_PASSWORD: 'root-password-123' });

  it('creates the first admin and prints a key with its rate limits, nothing else on stdout', async () => {
    const r = await runCli(['admin', 'keys', 'create', '--type', 'live', '--namespaces', 'staging', '--rate-limit-per-minute', '9'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^sk_live_[0-9A-Za-z]{43}$/);
    expect(r.stderr).toMatch(/Created the first admin root@example.test/);
    expect((await resolveApiKey(tdb.db, r.stdout.trim())).rateLimit).toEqual({ perMinute: 9 });
  }, 60_000);

  it('resets a password (printed once) and lists workers', async () => {
    await announceWorker(tdb.db, { workerId: 'w-admin-test', transport: 'database', taskTypes: ['echo'] });
    const workers = await runCli(['admin', 'workers', 'list', '--json'], env());
    expect(workers.code, workers.stderr).toBe(0);
    expect(JSON.parse(workers.stdout)).toMatchObject({ items: [expect.objectContaining({ workerId: 'w-admin-test', status: 'live' })], knownKinds: ['echo'] });

    const reset = await runCli(['admin', 'password', 'reset', 'root@example.test'], env());
    expect(reset.code, reset.stderr).toBe(0);
    expect((await authenticatePassword(tdb.db, 'root@example.test', reset.stdout.trim())).email).toBe('root@example.test');
  }, 60_000);

  it('rotates the signing key, and re-seals every key under a new master key', async () => {
    const a = 'master key A of the admin test, 32+ characters';
    const b = 'master key B of the admin test, 32+ characters';
    const before = await createSigningKeyRing(tdb.db, { masterKeys: { current: masterKeyFrom(a) }, verifyGraceSeconds: 900 }).active();
    const rotated = await runCli(['admin', 'signing-keys', 'rotate', '--json'], { ...env(), SYNTRA_MASTER_KEY: a });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout).kid).not.toBe(before.kid);

    const resealed = await runCli(['admin', 'signing-keys', 'reseal'], { ...env(), SYNTRA_MASTER_KEY: b, SYNTRA_MASTER_KEY_PREVIOUS: a });
    expect(resealed.code, resealed.stderr).toBe(0);
    expect(resealed.stdout).toMatch(/Re-sealed 2 signing key/);
    const withB = createSigningKeyRing(tdb.db, { masterKeys: { current: masterKeyFrom(b) }, verifyGraceSeconds: 900, cacheMs: 0 });
    expect((await withB.active()).kid).toBe(JSON.parse(rotated.stdout).kid);
    expect(await withB.forKid(before.kid)).toEqual(before.secret);

    const noKey = await runCli(['admin', 'signing-keys', 'rotate'], env());
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/SYNTRA_MASTER_KEY/);
  }, 60_000);

  it('says what is missing without DATABASE_URL (exit 2)', async () => {
    const r = await runCli(['admin', 'workers', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL is not set');
  });
});
