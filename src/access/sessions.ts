import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { systemClock, type Clock } from './clock.js';
import { permissionsForRoles, type Permission } from './permissions.js';
import type { Principal } from './principal.js';
import type { SigningKeyRing } from './signing-keys.js';
import { bumpSessionVersion, getUser, type User } from './users.js';

/**
 * JWT sessions for people (the admin panel): a 15-minute HS256 access token and a 7-day
 * opaque refresh token, rotated on every use. Presenting an already-rotated refresh token
 * means it was stolen (or replayed): the whole family is revoked, and with it every access
 * token minted from it (tokens carry their family id, `fid`).
 */
export const ISSUER = 'syntra';
export const AUDIENCE = 'syntra-api';

export interface SessionOptions {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  clock?: Clock;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = { accessTtlSeconds: 15 * 60, refreshTtlSeconds: 7 * 24 * 3600 };

export interface AccessClaims extends JWTPayload {
  sub: string;
  email: string;
  roles: string[];
  permissions: Permission[];
  namespaces: string[] | null;
  /** The user's session version when issued; a bump (logout, password change) ends the token. */
  sv: number;
  /** The refresh-token family it was minted from; revoking the family (reuse) ends the token. */
  fid: string;
}

export interface IssuedSession {
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
}

const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();
const REFRESH_PATTERN = /^rt_[A-Za-z0-9_-]{43}$/;

export interface Sessions {
  /** Verifies signature, algorithm, issuer, audience and expiry; then the user's current state. */
  resolveAccessToken(token: string): Promise<Principal>;
  /** A new session (new refresh-token family) for a user who just proved their password. */
  start(user: User): Promise<IssuedSession>;
  refresh(refreshToken: string): Promise<IssuedSession & { user: User }>;
  /** Ends every session of the user: refresh tokens revoked, access tokens invalidated. */
  endAll(userId: string): Promise<void>;
  /** Which user a refresh token belongs to, if it is one of ours (for logout by cookie). */
  ownerOfRefreshToken(refreshToken: string): Promise<string | null>;
}

export function createSessions(db: Database, keys: SigningKeyRing, options: SessionOptions = DEFAULT_SESSION_OPTIONS): Sessions {
  const clock = options.clock ?? systemClock;

  async function issueAccessToken(user: User, familyId: string): Promise<{ token: string; expiresAt: Date }> {
    const { kid, secret } = await keys.active();
    const nowS = Math.floor(clock() / 1000);
    const exp = nowS + options.accessTtlSeconds;
    const claims: Omit<AccessClaims, 'sub'> = {
      email: user.email,
      roles: [...user.roles],
      permissions: permissionsForRoles(user.roles),
      namespaces: user.namespaces,
      sv: user.sessionVersion,
      fid: familyId,
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(nowS)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(secret);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async function verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify<AccessClaims>(
        token,
        async (header) => {
          const secret = header.kid ? await keys.forKid(header.kid) : null;
          if (!secret) throw new SyntraError('invalid_credentials', 'access token signed with an unknown key');
          return secret;
        },
        {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: new Date(clock()),
          requiredClaims: ['sub', 'iat', 'exp', 'jti', 'fid'],
          // Issued at most one access-token lifetime ago...
          maxTokenAge: options.accessTtlSeconds,
        },
      );
      // ...and never valid for longer than one: a token minted with a stolen secret cannot outlive a
      // normal session (the signature alone would accept a year-long one).
      if (payload.exp! - payload.iat! > options.accessTtlSeconds) {
        throw new SyntraError('invalid_credentials', 'invalid access token: it is valid for longer than an access token may be');
      }
      return payload;
    } catch (e) {
      if (e instanceof SyntraError) throw e;
      if (e instanceof joseErrors.JWTExpired) throw new SyntraError('credentials_expired', 'access token expired: refresh it (POST /v1/auth/refresh)');
      throw new SyntraError('invalid_credentials', 'invalid access token');
    }
  }

  async function resolveAccessToken(token: string): Promise<Principal> {
    const claims = await verify(token);
    // Rights come from the user's current row, not the token: role changes and suspension act at once.
    const [user, familyRevoked] = await Promise.all([getUser(db, claims.sub), isFamilyRevoked(claims.fid)]);
    if (!user || user.status !== 'active') throw new SyntraError('credentials_revoked', 'this account is suspended or gone');
    if (user.sessionVersion !== claims.sv) throw new SyntraError('credentials_revoked', 'this session has ended (signed out or password changed); log in again');
    if (familyRevoked) throw new SyntraError('credentials_revoked', 'this session was revoked (its refresh token was reused); log in again');
    return {
      type: 'user',
      id: user.id,
      userId: user.id,
      email: user.email,
      roles: user.roles,
      permissions: permissionsForRoles(user.roles),
      namespaces: user.namespaces,
      keyType: null,
    };
  }

  async function isFamilyRevoked(familyId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(familyId)) return true;
    const res = await db.query('SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1', [familyId]);
    return res.rowCount > 0;
  }

  async function insertRefresh(tx: Queryable, userId: string, familyId: string): Promise<{ id: string; token: string; expiresAt: Date }> {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(clock() + options.refreshTtlSeconds * 1000);
    const res = await tx.query<{ id: string }>(
      'INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [familyId, userId, hashToken(token), expiresAt],
    );
    return { id: res.rows[0]!.id, token, expiresAt };
  }

  async function start(user: User): Promise<IssuedSession> {
    const familyId = randomUUID();
    const refresh = await insertRefresh(db, user.id, familyId);
    const access = await issueAccessToken(user, familyId);
    return { accessToken: access.token, accessExpiresAt: access.expiresAt, refreshToken: refresh.token, refreshExpiresAt: refresh.expiresAt };
  }

  type Outcome = { ok: true; userId: string; familyId: string; refresh: { token: string; expiresAt: Date } } | { ok: false; error: SyntraError };

  async function refresh(presented: string): Promise<IssuedSession & { user: User }> {
    if (!REFRESH_PATTERN.test(presented)) throw new SyntraError('invalid_credentials', 'invalid refresh token');
    const now = new Date(clock());
    // The family revocation on reuse must commit, so failures are returned, not thrown, from the transaction.
    const outcome = await db.transaction<Outcome>(async (tx) => {
      const res = await tx.query<{ id: string; family_id: string; user_id: string; expires_at: Date; rotated_at: Date | null; revoked_at: Date | null }>(
        'SELECT id, family_id, user_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE',
        [hashToken(presented)],
      );
      const row = res.rows[0];
      if (!row) return { ok: false, error: new SyntraError('invalid_credentials', 'invalid refresh token') };
      if (row.revoked_at) return { ok: false, error: new SyntraError('credentials_revoked', 'this session has ended; log in again') };
      if (row.rotated_at) {
        await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id, now]);
        return {
          ok: false,
          error: new SyntraError('token_reused', 'refresh token already used: the session was revoked as a precaution; log in again', {
            details: { familyId: row.family_id, userId: row.user_id },
          }),
        };
      }
      if (new Date(row.expires_at).getTime() <= now.getTime()) {
        return { ok: false, error: new SyntraError('credentials_expired', 'refresh token expired; log in again') };
      }
      const next = await insertRefresh(tx, row.user_id, row.family_id);
      await tx.query('UPDATE refresh_tokens SET rotated_at = $2, replaced_by = $3 WHERE id = $1', [row.id, now, next.id]);
      return { ok: true, userId: row.user_id, familyId: row.family_id, refresh: next };
    });
    if (!outcome.ok) throw outcome.error;
    const user = await getUser(db, outcome.userId);
    if (!user || user.status !== 'active') {
      await endAll(outcome.userId);
      throw new SyntraError('credentials_revoked', 'this account is suspended or gone');
    }
    const access = await issueAccessToken(user, outcome.familyId);
    return {
      user,
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken: outcome.refresh.token,
      refreshExpiresAt: outcome.refresh.expiresAt,
    };
  }

  async function endAll(userId: string): Promise<void> {
    await db.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [userId, new Date(clock())]);
    await bumpSessionVersion(db, userId);
  }

  async function ownerOfRefreshToken(presented: string): Promise<string | null> {
    if (!REFRESH_PATTERN.test(presented)) return null;
    const res = await db.query<{ user_id: string }>('SELECT user_id FROM refresh_tokens WHERE token_hash = $1', [hashToken(presented)]);
    return res.rows[0]?.user_id ?? null;
  }

  return { resolveAccessToken, start, refresh, endAll, ownerOfRefreshToken };
}
