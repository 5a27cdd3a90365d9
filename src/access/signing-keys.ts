import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { systemClock, type Clock } from './clock.js';

/**
 * HS256 signing secrets by `kid`. By default each installation generates its own secret on
 * first start and keeps it in `signing_keys` (every API replica reads the same row); rotation
 * adds a new active key and keeps the old one verifying for one access-token lifetime.
 * SYNTRA_JWT_SECRET (≥ 32 chars) overrides the active key for operators who manage secrets
 * outside the database; SYNTRA_JWT_PREVIOUS_SECRET keeps verifying tokens of the one before.
 */
export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

export interface SigningKeyRing {
  /** The key new tokens are signed with. */
  active(): Promise<SigningKey>;
  /** The secret for a token's kid, if that kid still verifies. */
  forKid(kid: string): Promise<Uint8Array | null>;
  /** Retires the active database key (still verifying for `verifyGraceSeconds`) and activates a new one. */
  rotate(): Promise<string>;
}

export interface SigningKeyOptions {
  envSecret?: string;
  previousEnvSecret?: string;
  /** How long a retired key keeps verifying: the access-token lifetime. */
  verifyGraceSeconds: number;
  clock?: Clock;
  cacheMs?: number;
}

interface CachedKey {
  secret: Uint8Array;
  verifyUntil: number | null;
}

function envKey(secret: string): SigningKey {
  if (secret.length < 32) throw new SyntraError('config_invalid', 'SYNTRA_JWT_SECRET must be at least 32 characters');
  return { kid: `env-${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`, secret: new TextEncoder().encode(secret) };
}

export function createSigningKeyRing(db: Database, options: SigningKeyOptions): SigningKeyRing {
  const clock = options.clock ?? systemClock;
  const cacheMs = options.cacheMs ?? 30_000;
  const fromEnv = options.envSecret ? envKey(options.envSecret) : null;
  const previousEnv = options.previousEnvSecret ? envKey(options.previousEnvSecret) : null;
  let cache: { loadedAt: number; activeKid: string | null; keys: Map<string, CachedKey> } | null = null;
  let loading: Promise<void> | null = null;

  async function load(): Promise<void> {
    const res = await db.query<{ kid: string; secret: Uint8Array; retired_at: Date | null; verify_until: Date | null }>(
      'SELECT kid, secret, retired_at, verify_until FROM signing_keys WHERE retired_at IS NULL OR verify_until > $1',
      [new Date(clock())],
    );
    const keys = new Map<string, CachedKey>();
    let activeKid: string | null = null;
    for (const r of res.rows) {
      keys.set(r.kid, { secret: new Uint8Array(r.secret), verifyUntil: r.verify_until ? new Date(r.verify_until).getTime() : null });
      if (!r.retired_at) activeKid = r.kid;
    }
    cache = { loadedAt: Date.now(), activeKid, keys };
  }

  async function refresh(force: boolean): Promise<void> {
    if (!force && cache && Date.now() - cache.loadedAt < cacheMs) return;
    loading ??= load().finally(() => (loading = null));
    await loading;
  }

  async function ensureDatabaseKey(): Promise<void> {
    await refresh(false);
    if (cache?.activeKid) return;
    // The partial unique index admits one active key: racing replicas insert, one wins.
    await db.query('INSERT INTO signing_keys (kid, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      `k-${randomBytes(6).toString('hex')}`,
      randomBytes(32),
    ]);
    await refresh(true);
    if (!cache?.activeKid) throw new SyntraError('internal', 'no active signing key');
  }

  return {
    async active() {
      if (fromEnv) return fromEnv;
      await ensureDatabaseKey();
      const kid = cache!.activeKid!;
      return { kid, secret: cache!.keys.get(kid)!.secret };
    },
    async forKid(kid) {
      if (fromEnv && kid === fromEnv.kid) return fromEnv.secret;
      if (previousEnv && kid === previousEnv.kid) return previousEnv.secret;
      await refresh(false);
      // An unknown kid may have been minted by another replica's rotation since we loaded.
      if (!cache?.keys.has(kid) && Date.now() - (cache?.loadedAt ?? 0) > 1000) await refresh(true);
      const key = cache?.keys.get(kid);
      if (!key || (key.verifyUntil !== null && key.verifyUntil <= clock())) return null;
      return key.secret;
    },
    async rotate() {
      const now = new Date(clock());
      const kid = `k-${randomBytes(6).toString('hex')}`;
      await db.transaction(async (tx) => {
        await tx.query('UPDATE signing_keys SET retired_at = $1, verify_until = $2 WHERE retired_at IS NULL', [
          now,
          new Date(now.getTime() + options.verifyGraceSeconds * 1000),
        ]);
        await tx.query('INSERT INTO signing_keys (kid, secret) VALUES ($1, $2)', [kid, randomBytes(32)]);
      });
      await refresh(true);
      return kid;
    },
  };
}
