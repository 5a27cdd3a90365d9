import type { Access } from '../../access/access.js';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, rotateApiKey, type ApiKey } from '../../access/api-keys.js';
import type { KeyType, Permission } from '../../access/permissions.js';
import { getUser } from '../../access/users.js';
import { SyntraError } from '../../domain/errors.js';
import { auditRequest, requirePrincipal, type Caller } from '../plugins/auth.js';

/** API keys for every transport: create (secret once), list, rotate with grace, revoke — each audited. */
export interface CreateKeyBody {
  name: string;
  type: KeyType;
  ownerId?: string | undefined;
  permissions?: Permission[] | undefined;
  namespaces?: string[] | null | undefined;
  expiresAt?: string | undefined;
  rateLimit?: { perMinute?: number | undefined; perHour?: number | undefined } | undefined;
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export async function createKey(access: Access, caller: Caller, body: CreateKeyBody): Promise<{ key: ApiKey; secret: string }> {
  const principal = requirePrincipal(caller);
  const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= access.clock()) throw new SyntraError('validation_failed', 'expiresAt must be in the future');
  const { key, secret } = await createApiKey(
    access.db,
    {
      ownerId: body.ownerId ?? principal.userId,
      name: body.name,
      type: body.type,
      ...(body.permissions ? { permissions: body.permissions } : {}),
      ...(body.namespaces !== undefined ? { namespaces: body.namespaces } : {}),
      expiresAt,
      ...(body.rateLimit ? { rateLimit: defined(body.rateLimit) as { perMinute?: number; perHour?: number } } : {}),
      createdBy: `${principal.type}:${principal.id}`,
    },
    principal,
  );
  await auditRequest(access, caller, {
    action: 'key.create',
    result: 'ok',
    target: key.id,
    details: { name: key.name, type: key.type, prefix: key.prefix, ownerId: key.ownerId, permissions: key.permissions },
  });
  return { key, secret };
}

export const listKeys = (access: Access, q: { ownerId?: string | undefined; includeRevoked?: boolean | undefined }) =>
  listApiKeys(access.db, { ...(q.ownerId ? { ownerId: q.ownerId } : {}), includeRevoked: q.includeRevoked ?? false });

export async function rotateKey(access: Access, caller: Caller, keyId: string, graceSeconds?: number) {
  const principal = requirePrincipal(caller);
  const grace = graceSeconds ?? access.keyRotationGraceSeconds;
  const rotated = await rotateApiKey(access.db, keyId, { graceSeconds: grace, createdBy: `${principal.type}:${principal.id}`, clock: access.clock });
  await auditRequest(access, caller, {
    action: 'key.rotate',
    result: 'ok',
    target: rotated.previous.id,
    details: { newKeyId: rotated.key.id, prefix: rotated.key.prefix, graceSeconds: grace },
  });
  return rotated;
}

export async function revokeKey(access: Access, caller: Caller, keyId: string): Promise<ApiKey> {
  if (!(await getApiKey(access.db, keyId))) throw new SyntraError('not_found', 'API key not found');
  const key = await revokeApiKey(access.db, keyId, access.clock);
  await auditRequest(access, caller, { action: 'key.revoke', result: 'ok', target: key.id, details: { prefix: key.prefix, name: key.name } });
  return key;
}

/**
 * Each key's rate-limit windows now (requests used and left this minute and hour), counted by the
 * same limiter that admits requests, without counting a request. The policy is the key's own
 * override, else its owner's roles' — as when the key calls.
 */
export async function keysUsage(access: Access, keys: ApiKey[]) {
  const owners = new Map<string, readonly string[]>();
  for (const ownerId of new Set(keys.map((k) => k.ownerId))) owners.set(ownerId, (await getUser(access.db, ownerId))?.roles ?? []);
  const now = access.clock();
  return Promise.all(
    keys.map(async (key) => {
      const decision = await access.limiter.peek({ type: 'key', id: key.id, userId: key.ownerId, email: '', roles: owners.get(key.ownerId) ?? [], permissions: [], namespaces: null, keyType: key.type, rateLimit: key.rateLimit }, '');
      return {
        keyId: key.id,
        windows: decision.windows.map((w) => ({ ...w, resetAt: new Date(w.resetAt).toISOString(), resetSeconds: Math.max(0, Math.ceil((w.resetAt - now) / 1000)) })),
      };
    }),
  );
}
