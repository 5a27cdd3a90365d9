import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { systemClock, type Clock } from './clock.js';
import { intersectNamespaces, isPermission, keyTypeCeiling, ownerGrantFor, type KeyType, type Permission } from './permissions.js';
import type { Principal } from './principal.js';

/**
 * API keys: `sk_live_|sk_test_|sk_admin_|sk_worker_` + 43 base62 characters (256 random bits).
 * Only SHA-256 of the whole key is stored; a key is found by that hash, never by its prefix.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 43; // ceil(256 / log2(62))
const KEY_PATTERN = /^sk_(live|test|admin|worker)_[0-9A-Za-z]{43}$/;
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKey {
  id: string;
  ownerId: string;
  name: string;
  prefix: string;
  type: KeyType;
  permissions: Permission[];
  namespaces: string[] | null;
  rateLimit: { perMinute?: number; perHour?: number };
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  rotatedFrom: string | null;
  graceUntil: Date | null;
  createdBy: string | null;
  createdAt: Date;
}

interface KeyRow {
  id: string;
  owner_id: string;
  name: string;
  prefix: string;
  key_hash: Uint8Array;
  type: KeyType;
  permissions: string[];
  namespaces: string[] | null;
  rate_limit_per_minute: number | null;
  rate_limit_per_hour: number | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  rotated_from: string | null;
  grace_until: Date | null;
  created_by: string | null;
  created_at: Date;
}

const COLUMNS = `id, owner_id, name, prefix, key_hash, type, permissions, namespaces, rate_limit_per_minute,
  rate_limit_per_hour, expires_at, last_used_at, revoked_at, rotated_from, grace_until, created_by, created_at`;

const K_COLUMNS = COLUMNS.split(',').map((c) => `k.${c.trim()}`).join(', ');

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  prefix: r.prefix,
  type: r.type,
  permissions: r.permissions.filter(isPermission),
  namespaces: r.namespaces,
  rateLimit: {
    ...(r.rate_limit_per_minute ? { perMinute: r.rate_limit_per_minute } : {}),
    ...(r.rate_limit_per_hour ? { perHour: r.rate_limit_per_hour } : {}),
  },
  expiresAt: date(r.expires_at),
  lastUsedAt: date(r.last_used_at),
  revokedAt: date(r.revoked_at),
  rotatedFrom: r.rotated_from,
  graceUntil: date(r.grace_until),
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
});

export function generateKeySecret(type: KeyType): string {
  let n = BigInt(`0x${randomBytes(32).toString('hex')}`);
  let body = '';
  while (n > 0n) {
    body = BASE62[Number(n % 62n)] + body;
    n /= 62n;
  }
  return `sk_${type}_${body.padStart(SECRET_LENGTH, '0')}`;
}

export const hashKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
export const isWellFormedKey = (key: string): boolean => KEY_PATTERN.test(key);
const displayPrefix = (key: string): string => key.slice(0, key.lastIndexOf('_') + 5);

export interface CreateKeyInput {
  ownerId: string;
  name: string;
  type: KeyType;
  permissions?: readonly string[];
  namespaces?: readonly string[] | null;
  expiresAt?: Date | null;
  rateLimit?: { perMinute?: number; perHour?: number };
  createdBy?: string;
}

interface OwnerRow {
  roles: string[];
  namespaces: string[] | null;
  status: string;
}

/**
 * Creates a key and returns its secret, which is never retrievable again. A key holds at most
 * what its type allows, what its owner's roles grant and — when `grantor` is given — what the
 * creating principal itself holds: nobody mints a key stronger than themselves.
 */
export async function createApiKey(db: Queryable, input: CreateKeyInput, grantor?: Principal): Promise<{ key: ApiKey; secret: string }> {
  const owner = (await db.query<OwnerRow>('SELECT roles, namespaces, status FROM users WHERE id = $1', [input.ownerId])).rows[0];
  if (!owner) throw new SyntraError('not_found', 'owner user not found');
  if (owner.status !== 'active') throw new SyntraError('conflict', 'owner user is suspended');
  const ceiling = keyTypeCeiling(input.type);
  const ownerPerms = ownerGrantFor(input.type, owner.roles);
  // Worker keys carry a permission no person holds: enrolling one is key management.
  const grantorAllows = (p: Permission) => !grantor || (input.type === 'worker' ? grantor.permissions.includes('keys:manage') : grantor.permissions.includes(p));
  const allowed = ceiling.filter((p) => ownerPerms.includes(p) && grantorAllows(p));
  const unknown = (input.permissions ?? []).filter((p) => !isPermission(p));
  if (unknown.length) throw new SyntraError('validation_failed', `unknown permission(s): ${unknown.join(', ')}`);
  const permissions = input.permissions ? [...new Set(input.permissions as Permission[])] : allowed;
  const beyond = permissions.filter((p) => !allowed.includes(p));
  if (beyond.length) {
    throw new SyntraError('forbidden', `a ${input.type} key for this owner cannot hold: ${beyond.join(', ')}`, { details: { permissions: beyond } });
  }
  if (input.type === 'worker' && allowed.length === 0) {
    throw new SyntraError('forbidden', 'worker keys are enrolled by someone who manages keys, for an owner who manages keys');
  }
  if (input.type === 'admin' && ceiling.some((p) => !allowed.includes(p))) {
    throw new SyntraError('forbidden', 'admin keys need an owner and creator holding every permission');
  }
  const scope = intersectNamespaces(owner.namespaces, grantor ? grantor.namespaces : null);
  const requested = input.namespaces ?? null;
  if (requested !== null && scope !== null && requested.some((n) => !scope.includes(n))) {
    throw new SyntraError('forbidden', 'a key cannot reach namespaces its owner or creator cannot');
  }
  const namespaces = requested === null ? scope : [...new Set(requested)];

  const secret = generateKeySecret(input.type);
  const res = await db.query<KeyRow>(
    `INSERT INTO api_keys (owner_id, name, prefix, key_hash, type, permissions, namespaces, rate_limit_per_minute,
       rate_limit_per_hour, expires_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
    [
      input.ownerId,
      input.name,
      displayPrefix(secret),
      hashKey(secret),
      input.type,
      permissions,
      namespaces,
      input.rateLimit?.perMinute ?? null,
      input.rateLimit?.perHour ?? null,
      input.expiresAt ?? null,
      input.createdBy ?? null,
    ],
  );
  return { key: toKey(res.rows[0]!), secret };
}

interface ResolvedRow extends KeyRow {
  email: string;
  owner_roles: string[];
  owner_namespaces: string[] | null;
  owner_status: string;
}

/**
 * A presented key → the principal it stands for, or a 401 SyntraError. Malformed, truncated
 * or padded keys are refused before any lookup; the lookup is by hash of the whole key.
 */
export async function resolveApiKey(db: Queryable, presented: string, clock: Clock = systemClock): Promise<Principal> {
  if (!isWellFormedKey(presented)) {
    throw new SyntraError('invalid_credentials', 'malformed API key: expected sk_live_…, sk_test_…, sk_admin_… or sk_worker_… as issued');
  }
  const digest = hashKey(presented);
  const res = await db.query<ResolvedRow>(
    `SELECT ${K_COLUMNS}, u.email, u.roles AS owner_roles, u.namespaces AS owner_namespaces,
            u.status AS owner_status
     FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.key_hash = $1`,
    [digest],
  );
  const row = res.rows[0];
  if (!row || !timingSafeEqual(Buffer.from(row.key_hash), digest)) {
    throw new SyntraError('invalid_credentials', 'unknown API key');
  }
  const now = clock();
  if (row.revoked_at) throw new SyntraError('credentials_revoked', 'this API key was revoked');
  if (row.grace_until && new Date(row.grace_until).getTime() <= now) {
    throw new SyntraError('credentials_revoked', 'this API key was rotated and its grace period is over; use its replacement');
  }
  if (row.expires_at && new Date(row.expires_at).getTime() <= now) throw new SyntraError('credentials_expired', 'this API key has expired');
  if (row.owner_status !== 'active') throw new SyntraError('credentials_revoked', "this API key's owner is suspended");
  if (`sk_${row.type}_` !== presented.slice(0, presented.lastIndexOf('_') + 1)) throw new SyntraError('invalid_credentials', 'unknown API key');

  if (!row.last_used_at || now - new Date(row.last_used_at).getTime() >= LAST_USED_RESOLUTION_MS) {
    // Throttled so a busy key does not write on every request.
    await db.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [row.id, new Date(now)]);
  }
  const key = toKey(row);
  const ownerPerms = ownerGrantFor(key.type, row.owner_roles);
  const ceiling = keyTypeCeiling(key.type);
  return {
    type: 'key',
    id: key.id,
    userId: key.ownerId,
    email: row.email,
    roles: row.owner_roles,
    permissions: key.permissions.filter((p) => ownerPerms.includes(p) && ceiling.includes(p)),
    namespaces: intersectNamespaces(key.namespaces, row.owner_namespaces),
    keyType: key.type,
    rateLimit: key.rateLimit,
  };
}

export async function getApiKey(db: Queryable, id: string): Promise<ApiKey | null> {
  const res = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return res.rows[0] ? toKey(res.rows[0]) : null;
}

export async function listApiKeys(db: Queryable, options: { ownerId?: string; includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
  const res = await db.query<KeyRow>(
    `SELECT ${COLUMNS} FROM api_keys
     WHERE ($1::uuid IS NULL OR owner_id = $1::uuid) AND ($2::boolean OR revoked_at IS NULL)
     ORDER BY created_at DESC, id DESC LIMIT 1000`,
    [options.ownerId ?? null, options.includeRevoked ?? false],
  );
  return res.rows.map(toKey);
}

export async function revokeApiKey(db: Queryable, id: string, clock: Clock = systemClock): Promise<ApiKey> {
  const res = await db.query<KeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, new Date(clock())],
  );
  if (!res.rows[0]) throw new SyntraError('not_found', 'API key not found');
  return toKey(res.rows[0]);
}

/**
 * Issues a replacement with the same owner, name, rights and scope; the old key keeps working
 * for `graceSeconds` so deployments can roll over. A key is rotated at most once.
 */
export async function rotateApiKey(
  db: Database,
  id: string,
  options: { graceSeconds: number; createdBy?: string; clock?: Clock },
): Promise<{ key: ApiKey; secret: string; previous: ApiKey }> {
  const now = (options.clock ?? systemClock)();
  return db.transaction(async (tx) => {
    const res = await tx.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
    const row = res.rows[0];
    if (!row) throw new SyntraError('not_found', 'API key not found');
    if (row.revoked_at) throw new SyntraError('conflict', 'a revoked key cannot be rotated');
    if (row.grace_until) throw new SyntraError('conflict', 'this key was already rotated');
    const old = toKey(row);
    const secret = generateKeySecret(old.type);
    const inserted = await tx.query<KeyRow>(
      `INSERT INTO api_keys (owner_id, name, prefix, key_hash, type, permissions, namespaces, rate_limit_per_minute,
         rate_limit_per_hour, expires_at, rotated_from, created_by)
       SELECT owner_id, name, $2, $3, type, permissions, namespaces, rate_limit_per_minute, rate_limit_per_hour, expires_at, id, $4
       FROM api_keys WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, displayPrefix(secret), hashKey(secret), options.createdBy ?? null],
    );
    const updated = await tx.query<KeyRow>(`UPDATE api_keys SET grace_until = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [
      id,
      new Date(now + options.graceSeconds * 1000),
    ]);
    return { key: toKey(inserted.rows[0]!), secret, previous: toKey(updated.rows[0]!) };
  });
}
