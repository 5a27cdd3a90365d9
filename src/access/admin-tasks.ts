import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Database } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { createApiKey, type ApiKey, type CreateKeyInput } from './api-keys.js';
import { appendAudit } from './audit.js';
import { createUser, normalizeEmail, setPassword } from './users.js';

/**
 * What an operator does with database access alone (`syntra admin`, like `kubeadm token create`):
 * there is no API session, so these trust whoever can reach the database, act as `system`, and
 * leave an audit event naming the operating-system user and host they ran as.
 */
export function adminActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the host still says where it ran.
  }
  return `syntra admin (${user}@${hostname()})`;
}

const audit = (db: Database, action: string, target: string, details: Record<string, unknown>) =>
  appendAudit(db, { actorType: 'system', actorId: adminActor(), action, target, result: 'ok', details });

/**
 * The first admin from SYNTRA_ADMIN_EMAIL / SYNTRA_ADMIN_PASSWORD when the database has no user
 * yet — the same first admin `syntra server` would create — so an operator can mint the first
 * key before any server has started. Returns the email when it created one.
 */
export async function ensureFirstAdmin(db: Database, env: Record<string, string | undefined>): Promise<string | undefined> {
  const users = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if ((users.rows[0]?.n ?? 0) > 0 || !env.SYNTRA_ADMIN_EMAIL || !env.SYNTRA_ADMIN_PASSWORD) return undefined;
  const user = await createUser(db, { email: env.SYNTRA_ADMIN_EMAIL, password: env.SYNTRA_ADMIN_PASSWORD, roles: ['admin'] }).catch((e: unknown) => {
    // A server starting at the same moment created it first.
    if (e instanceof SyntraError && e.code === 'conflict') return undefined;
    throw e;
  });
  if (!user) return undefined;
  await audit(db, 'user.bootstrap_admin', user.id, { email: user.email });
  return user.email;
}

async function ownerId(db: Database, email: string | undefined): Promise<string> {
  const res = email
    ? await db.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = $1', [normalizeEmail(email)])
    : await db.query<{ id: string }>(`SELECT id FROM users WHERE 'admin' = ANY(roles) AND status = 'active' ORDER BY created_at LIMIT 1`);
  const id = res.rows[0]?.id;
  if (id) return id;
  throw new SyntraError(
    'not_found',
    email
      ? `no user ${normalizeEmail(email)}`
      : 'no active admin yet: set SYNTRA_ADMIN_EMAIL and SYNTRA_ADMIN_PASSWORD (the first admin is created from them), or name an owner with --owner',
  );
}

export type AdminKeyInput = Omit<CreateKeyInput, 'ownerId' | 'createdBy'> & { ownerEmail?: string };

/** Creates a key for a user (default: the first admin); the secret is returned once. */
export async function adminCreateKey(db: Database, input: AdminKeyInput): Promise<{ key: ApiKey; secret: string }> {
  const { ownerEmail, ...rest } = input;
  const created = await createApiKey(db, { ...rest, ownerId: await ownerId(db, ownerEmail), createdBy: adminActor() });
  const { key } = created;
  await audit(db, 'key.create', key.id, { name: key.name, type: key.type, prefix: key.prefix, ownerId: key.ownerId, permissions: key.permissions, namespaces: key.namespaces });
  return created;
}

/**
 * Sets a new password (generated unless given), ends every session of the user and lifts the
 * login locks on the account: the way back in for someone locked out or who lost the password.
 */
export async function adminResetPassword(db: Database, email: string, password?: string): Promise<{ userId: string; password: string; generated: boolean }> {
  const userId = await ownerId(db, email);
  const chosen = password ?? randomBytes(18).toString('base64url');
  await setPassword(db, userId, chosen);
  await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  const account = normalizeEmail(email);
  await db.query(`DELETE FROM login_attempts WHERE (scope = 'account' AND subject = $1) OR (scope = 'account_ip' AND right(subject, length($1) + 1) = '|' || $1)`, [account]);
  await audit(db, 'user.password_reset', userId, { email: account, generated: password === undefined });
  return { userId, password: chosen, generated: password === undefined };
}
