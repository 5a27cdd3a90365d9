import { createApiKey } from '../../src/access/api-keys.js';
import type { KeyType } from '../../src/access/permissions.js';
import { createUser } from '../../src/access/users.js';
import type { Database } from '../../src/db/database.js';

/**
 * A user and an API key for tests that exercise the API rather than access control itself
 * (auth is always on, so every caller needs a credential).
 */
export async function createTestKey(
  db: Database,
  options: { email?: string; roles?: string[]; type?: KeyType; namespaces?: string[] | null } = {},
): Promise<{ userId: string; keyId: string; apiKey: string; headers: { 'x-api-key': string } }> {
  const user = await createUser(db, {
    email: options.email ?? `test-admin-${Math.random().toString(36).slice(2)}@example.test`,
    password: 'test-password-not-secret',
    roles: options.roles ?? ['admin'],
    namespaces: options.namespaces ?? null,
  });
  const { key, secret } = await createApiKey(db, { ownerId: user.id, name: 'test', type: options.type ?? 'admin', namespaces: options.namespaces ?? null });
  return { userId: user.id, keyId: key.id, apiKey: secret, headers: { 'x-api-key': secret } };
}

/** A worker credential (sk_worker_) enrolled by `ownerId`, an admin; limited to `namespaces` when given. */
export async function createWorkerKey(
  db: Database,
  ownerId: string,
  namespaces: string[] | null = null,
): Promise<{ keyId: string; apiKey: string; headers: { 'x-api-key': string } }> {
  const { key, secret } = await createApiKey(db, { ownerId, name: `worker ${namespaces?.join(',') ?? 'all'}`, type: 'worker', namespaces });
  return { keyId: key.id, apiKey: secret, headers: { 'x-api-key': secret } };
}
