import { createHash, randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { systemClock, type Clock } from './clock.js';
import { seal, unseal, type MasterKey, type MasterKeys } from './master-key.js';

/**
 * HS256 signing secrets by `kid`. By default each installation generates its own secret on
 * first start and keeps it in `signing_keys`, sealed with the master key (every API replica
 * reads the same row and opens it with the same master key); rotation adds a new active key and
 * keeps the old one verifying for one access-token lifetime.
 * SYNTRA_JWT_SECRET (≥ 32 chars) replaces the database keys for operators who manage secrets
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
  /** Re-seals every database key with the current master key (after a master-key rotation); returns how many. */
  reseal(): Promise<number>;
}

export interface SigningKeyOptions {
  envSecret?: string;
  previousEnvSecret?: string;
  masterKeys: MasterKeys;
  /** How long a retired key keeps verifying: the access-token lifetime. */
  verifyGraceSeconds: number;
  clock?: Clock;
  cacheMs?: number;
}

interface CachedKey {
  /** null: sealed with a master key this process does not have. */
  secret: Uint8Array | null;
  sealedWith: string | null;
  verifyUntil: number | null;
}

interface KeyRow {
  kid: string;
  secret: Uint8Array;
  sealed_with: string | null;
  retired_at: Date | null;
  verify_until: Date | null;
}

function envKey(secret: string): SigningKey {
  if (secret.length < 32) throw new SyntraError('config_invalid', 'SYNTRA_JWT_SECRET must be at least 32 characters');
  return { kid: `env-${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`, secret: new TextEncoder().encode(secret) };
}

const newKid = () => `k-${randomBytes(6).toString('hex')}`;

export function createSigningKeyRing(db: Database, options: SigningKeyOptions): SigningKeyRing {
  const clock = options.clock ?? systemClock;
  const cacheMs = options.cacheMs ?? 30_000;
  const { current, previous } = options.masterKeys;
  const fromEnv = options.envSecret ? envKey(options.envSecret) : null;
  const previousEnv = options.previousEnvSecret ? envKey(options.previousEnvSecret) : null;
  let cache: { loadedAt: number; activeKid: string | null; keys: Map<string, CachedKey> } | null = null;
  let loading: Promise<void> | null = null;
  let upgraded: Promise<void> | null = null;

  const masterFor = (id: string | null): MasterKey | undefined => [current, previous].find((m) => m?.id === id);
  const insertSealed = (q: Queryable, kid: string) => q.query('INSERT INTO signing_keys (kid, secret, sealed_with) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [kid, seal(current, randomBytes(32), kid), current.id]);

  /**
   * Installs from before sealing kept secrets in the clear: seal them, and retire a clear active
   * key (it keeps verifying for one token lifetime) for a new sealed one — a secret that sat in
   * the clear may have been copied. The conditions make racing replicas do it once.
   */
  async function upgradeClearKeys(): Promise<void> {
    await db.transaction(async (tx) => {
      const now = new Date(clock());
      const retired = await tx.query(
        'UPDATE signing_keys SET retired_at = $1, verify_until = $2 WHERE retired_at IS NULL AND sealed_with IS NULL RETURNING kid',
        [now, new Date(now.getTime() + options.verifyGraceSeconds * 1000)],
      );
      if (retired.rowCount > 0) await insertSealed(tx, newKid());
      const clear = await tx.query<{ kid: string; secret: Uint8Array }>('SELECT kid, secret FROM signing_keys WHERE sealed_with IS NULL FOR UPDATE');
      for (const r of clear.rows) {
        await tx.query('UPDATE signing_keys SET secret = $2, sealed_with = $3 WHERE kid = $1', [r.kid, seal(current, new Uint8Array(r.secret), r.kid), current.id]);
      }
    });
  }

  function open(r: KeyRow): Uint8Array | null {
    const master = masterFor(r.sealed_with);
    if (!master) return null;
    try {
      return new Uint8Array(unseal(master, r.secret, r.kid));
    } catch {
      return null; // tampered, or sealed for another row: treated like an unknown key
    }
  }

  async function load(): Promise<void> {
    upgraded ??= upgradeClearKeys().catch((e: unknown) => {
      upgraded = null;
      throw e;
    });
    await upgraded;
    const res = await db.query<KeyRow>('SELECT kid, secret, sealed_with, retired_at, verify_until FROM signing_keys WHERE retired_at IS NULL OR verify_until > $1', [
      new Date(clock()),
    ]);
    const keys = new Map<string, CachedKey>();
    let activeKid: string | null = null;
    for (const r of res.rows) {
      keys.set(r.kid, { secret: open(r), sealedWith: r.sealed_with, verifyUntil: r.verify_until ? new Date(r.verify_until).getTime() : null });
      if (!r.retired_at) activeKid = r.kid;
    }
    cache = { loadedAt: Date.now(), activeKid, keys };
  }

  async function refresh(force: boolean): Promise<void> {
    if (!force && cache && Date.now() - cache.loadedAt < cacheMs) return;
    loading ??= load().finally(() => (loading = null));
    await loading;
  }

  async function ensureDatabaseKey(): Promise<SigningKey> {
    await refresh(false);
    if (!cache?.activeKid) {
      // The partial unique index admits one active key: racing replicas insert, one wins.
      await insertSealed(db, newKid());
      await refresh(true);
    }
    const kid = cache?.activeKid;
    if (!kid) throw new SyntraError('internal', 'no active signing key');
    const key = cache!.keys.get(kid)!;
    if (!key.secret) {
      throw new SyntraError(
        'config_invalid',
        `the active JWT signing key ${kid} is sealed with master key ${key.sealedWith}, which this process does not have (it has ${current.id}${previous ? ` and ${previous.id}` : ''}): ` +
          'give every API replica the same SYNTRA_MASTER_KEY, and the old one as SYNTRA_MASTER_KEY_PREVIOUS during a rotation',
      );
    }
    return { kid, secret: key.secret };
  }

  return {
    async active() {
      return fromEnv ?? ensureDatabaseKey();
    },
    async forKid(kid) {
      if (fromEnv) return kid === fromEnv.kid ? fromEnv.secret : kid === previousEnv?.kid ? previousEnv.secret : null;
      await refresh(false);
      // An unknown kid may have been minted by another replica's rotation since we loaded.
      if (!cache?.keys.has(kid) && Date.now() - (cache?.loadedAt ?? 0) > 1000) await refresh(true);
      const key = cache?.keys.get(kid);
      if (!key || (key.verifyUntil !== null && key.verifyUntil <= clock())) return null;
      return key.secret;
    },
    async rotate() {
      const now = new Date(clock());
      const kid = newKid();
      await db.transaction(async (tx) => {
        await tx.query('UPDATE signing_keys SET retired_at = $1, verify_until = $2 WHERE retired_at IS NULL', [now, new Date(now.getTime() + options.verifyGraceSeconds * 1000)]);
        await insertSealed(tx, kid);
        // Keys that stopped verifying a day ago are of no use to anyone.
        await tx.query(`DELETE FROM signing_keys WHERE verify_until < $1`, [new Date(now.getTime() - 24 * 3600_000)]);
      });
      await refresh(true);
      return kid;
    },
    async reseal() {
      await refresh(true);
      const now = new Date(clock());
      const count = await db.transaction(async (tx) => {
        // Keys that no longer verify are dropped, not re-sealed: nothing is left under the old master key.
        await tx.query('DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND verify_until <= $1', [now]);
        const rows = await tx.query<KeyRow>('SELECT kid, secret, sealed_with, retired_at, verify_until FROM signing_keys WHERE sealed_with IS DISTINCT FROM $1 FOR UPDATE', [current.id]);
        let n = 0;
        for (const r of rows.rows) {
          const secret = open(r);
          if (!secret) {
            throw new SyntraError('config_invalid', `signing key ${r.kid} is sealed with master key ${r.sealed_with}: set that key as SYNTRA_MASTER_KEY_PREVIOUS to re-seal it`);
          }
          await tx.query('UPDATE signing_keys SET secret = $2, sealed_with = $3 WHERE kid = $1', [r.kid, seal(current, secret, r.kid), current.id]);
          n++;
        }
        return n;
      });
      await refresh(true);
      return count;
    },
  };
}
