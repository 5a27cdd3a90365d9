import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterKeyFrom, type MasterKeys } from '../../src/access/master-key.js';
import { createSigningKeyRing } from '../../src/access/signing-keys.js';
import { isSyntraError } from '../../src/domain/errors.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildAccessTestApp, seedUser, withBearer, type AccessTestApp, type Identity } from './access-app.js';

/**
 * JWT signing secrets at rest: sealed with a master key that is not in the database, opened only
 * by processes that hold it, re-sealed after a master-key rotation; secrets an older version
 * stored in the clear are sealed and replaced. And a token is never accepted for longer than an
 * access token lives — not even one signed with the real secret.
 */
const tdb = useTestDatabase();
const keyA: MasterKeys = { current: masterKeyFrom('master key A — at least thirty-two characters long') };
const keyB = masterKeyFrom('master key B — at least thirty-two characters long');
const ring = (masterKeys: MasterKeys) => createSigningKeyRing(tdb.db, { masterKeys, verifyGraceSeconds: 900, cacheMs: 0 });
const contains = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).includes(Buffer.from(needle));
const expectConfigInvalid = async (p: Promise<unknown>, message: RegExp) => {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(isSyntraError(error) && error.code === 'config_invalid' && message.test(error.message), String(error)).toBe(true);
};

describe('signing secrets in the database', () => {
  it('are stored sealed with the master key, never in the clear', async () => {
    const active = await ring(keyA).active();
    const rows = (await tdb.db.query<{ kid: string; secret: Uint8Array; sealed_with: string }>('SELECT kid, secret, sealed_with FROM signing_keys')).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kid: active.kid, sealed_with: keyA.current.id });
    expect(contains(rows[0]!.secret, active.secret)).toBe(false);
  });

  it('open only with that master key; a rotation re-seals them under the new one', async () => {
    const before = await ring(keyA).active();
    await expectConfigInvalid(ring({ current: keyB }).active(), /sealed with master key mk-.*SYNTRA_MASTER_KEY/);
    expect(await ring({ current: keyB }).forKid(before.kid)).toBeNull();

    // During the rotation every replica holds the new key and the old one as "previous".
    const both = ring({ current: keyB, previous: keyA.current });
    expect(await both.active()).toEqual(before);
    expect(await both.reseal()).toBe(1);
    expect(await ring({ current: keyB }).active()).toEqual(before);
    await expectConfigInvalid(ring(keyA).active(), /sealed with master key/);
  });

  it('a lost master key costs the sessions only: rotating under a new one gives a working key again', async () => {
    await tdb.db.query('DELETE FROM signing_keys');
    const lost = masterKeyFrom('a master key nobody has any more, 32+ characters');
    const old = await ring({ current: lost }).active();
    const replacement = ring({ current: keyB });
    await expectConfigInvalid(replacement.active(), /sealed with master key/);
    const kid = await replacement.rotate();
    expect((await replacement.active()).kid).toBe(kid);
    expect(await replacement.forKid(old.kid)).toBeNull();
  });

  it('an earlier version’s secret in the clear is sealed at once and replaced, and its tokens keep verifying for one lifetime', async () => {
    await tdb.db.query('DELETE FROM signing_keys');
    const clear = Buffer.from('a clear secret stored by syntra 0.1, 32+ bytes long');
    await tdb.db.query('INSERT INTO signing_keys (kid, secret) VALUES ($1, $2)', ['k-legacy', clear]);
    const upgraded = ring(keyA);
    const active = await upgraded.active();
    expect(active.kid).not.toBe('k-legacy');
    expect(Buffer.from((await upgraded.forKid('k-legacy'))!)).toEqual(clear);
    const rows = (await tdb.db.query<{ kid: string; secret: Uint8Array; sealed_with: string | null; retired_at: Date | null }>('SELECT kid, secret, sealed_with, retired_at FROM signing_keys ORDER BY kid')).rows;
    expect(rows.every((r) => r.sealed_with === keyA.current.id)).toBe(true);
    expect(rows.some((r) => contains(r.secret, clear))).toBe(false);
    expect(rows.find((r) => r.kid === 'k-legacy')?.retired_at).not.toBeNull();
  });
});

describe('access-token lifetime on verification', () => {
  let t: AccessTestApp;
  let who: Identity;
  beforeAll(async () => {
    await tdb.db.query('DELETE FROM signing_keys');
    t = await buildAccessTestApp(tdb.db, { masterKeys: keyA });
    who = await seedUser(tdb.db, 'forged@example.com', ['admin']);
  });
  afterAll(async () => t?.app.close());

  /** What someone holding the real signing secret (read out of a database copy) can mint. */
  async function forge(iatOffsetS: number, lifetimeS: number): Promise<string> {
    const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: who.user.email, password: who.password } });
    const claims = JSON.parse(Buffer.from((login.json().accessToken as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const { kid, secret } = await t.access.keyRing.active();
    const iat = Math.floor(Date.now() / 1000) + iatOffsetS;
    return new SignJWT({ ...claims, iat, exp: iat + lifetimeS }).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(secret);
  }

  it('accepts a token of the normal lifetime (the baseline the forgeries deviate from)', async () => {
    expect((await t.app.inject({ url: '/v1/auth/me', headers: withBearer(await forge(0, 900)) })).statusCode).toBe(200);
  });

  it('refuses a year-long token even with the right secret', async () => {
    const res = await t.app.inject({ url: '/v1/auth/me', headers: withBearer(await forge(0, 365 * 24 * 3600)) });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 401, code: 'invalid_credentials' });
  });

  it('refuses a token issued longer ago than an access token lives, whatever its expiry says', async () => {
    const res = await t.app.inject({ url: '/v1/auth/me', headers: withBearer(await forge(-2 * 3600, 365 * 24 * 3600)) });
    expect(res.statusCode).toBe(401);
  });
});
