import { hash, verify } from '@node-rs/argon2';
import type { Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { isRole, type Role } from './permissions.js';

export interface User {
  id: string;
  email: string;
  roles: Role[];
  namespaces: string[] | null;
  status: 'active' | 'suspended';
  sessionVersion: number;
  passwordChangedAt: Date;
  createdAt: Date;
}

interface UserRow {
  id: string;
  email: string;
  roles: string[];
  namespaces: string[] | null;
  status: 'active' | 'suspended';
  session_version: number;
  password_changed_at: Date;
  created_at: Date;
  password_hash?: string;
}

const COLUMNS = 'id, email, roles, namespaces, status, session_version, password_changed_at, created_at';

// Argon2id (the library's default algorithm; its const enum cannot be imported under isolatedModules)
// at OWASP's baseline (19 MiB, t=2, p=1): tens of ms per hash on a small core.
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;
// Bounds the work an attacker can make argon2 do per request.
export const MAX_PASSWORD_LENGTH = 256;

// A hash of a random password: unknown emails still cost one verify, so timing does not reveal accounts.
let dummyHash: Promise<string> | undefined;

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  roles: r.roles.filter(isRole),
  namespaces: r.namespaces,
  status: r.status,
  sessionVersion: r.session_version,
  passwordChangedAt: new Date(r.password_changed_at),
  createdAt: new Date(r.created_at),
});

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new SyntraError('validation_failed', `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`);
  }
}

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

function validateRoles(roles: readonly string[]): Role[] {
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length > 0) throw new SyntraError('validation_failed', `unknown role(s): ${bad.join(', ')}`);
  return [...new Set(roles)] as Role[];
}

export interface CreateUserInput {
  email: string;
  password: string;
  roles: readonly string[];
  namespaces?: readonly string[] | null;
  /** hashPassword(password), when the caller started it earlier (the first admin: bootstrap.ts). */
  passwordHash?: Promise<string>;
}

export async function createUser(db: Queryable, input: CreateUserInput): Promise<User> {
  checkPasswordPolicy(input.password);
  const roles = validateRoles(input.roles);
  const passwordHash = await (input.passwordHash ?? hashPassword(input.password));
  const res = await db.query<UserRow>(
    `INSERT INTO users (email, password_hash, roles, namespaces) VALUES ($1, $2, $3, $4)
     ON CONFLICT (lower(email)) DO NOTHING RETURNING ${COLUMNS}`,
    [normalizeEmail(input.email), passwordHash, roles, input.namespaces ?? null],
  );
  const row = res.rows[0];
  if (!row) throw new SyntraError('conflict', 'a user with this email already exists');
  return toUser(row);
}

export async function getUser(db: Queryable, id: string): Promise<User | null> {
  const res = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return res.rows[0] ? toUser(res.rows[0]) : null;
}

export async function listUsers(db: Queryable, options: { limit?: number; after?: string } = {}): Promise<User[]> {
  const res = await db.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
    [options.after ?? null, options.limit ?? 100],
  );
  return res.rows.map(toUser);
}

/**
 * Email + password → the active user, or invalid_credentials. Unknown email, wrong password
 * and suspended account all answer the same, after the same argon2 work.
 */
export async function authenticatePassword(db: Queryable, email: string, password: string): Promise<User> {
  const res = await db.query<UserRow>(`SELECT ${COLUMNS}, password_hash FROM users WHERE lower(email) = $1`, [normalizeEmail(email)]);
  const row = res.rows[0];
  if (password.length > MAX_PASSWORD_LENGTH) throw new SyntraError('invalid_credentials', 'wrong email or password');
  if (!row) {
    dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
    await verify(await dummyHash, password).catch(() => false);
    throw new SyntraError('invalid_credentials', 'wrong email or password');
  }
  const ok = await verify(row.password_hash ?? '', password).catch(() => false);
  if (!ok || row.status !== 'active') throw new SyntraError('invalid_credentials', 'wrong email or password');
  return toUser(row);
}

/** Sets a new password and bumps the session version; callers also revoke refresh tokens. */
export async function setPassword(db: Queryable, userId: string, newPassword: string): Promise<void> {
  checkPasswordPolicy(newPassword);
  const passwordHash = await hashPassword(newPassword);
  const res = await db.query(
    `UPDATE users SET password_hash = $2, password_changed_at = now(), session_version = session_version + 1, updated_at = now()
     WHERE id = $1`,
    [userId, passwordHash],
  );
  if (res.rowCount === 0) throw new SyntraError('not_found', 'user not found');
}

export async function verifyPassword(db: Queryable, userId: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const res = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
  const row = res.rows[0];
  return row ? verify(row.password_hash, password).catch(() => false) : false;
}

export interface UpdateUserInput {
  roles?: readonly string[];
  namespaces?: readonly string[] | null;
  status?: 'active' | 'suspended';
}

/** Changing roles, scope or status bumps the session version: old tokens stop carrying old rights. */
export async function updateUser(db: Queryable, id: string, input: UpdateUserInput): Promise<User> {
  const roles = input.roles === undefined ? null : validateRoles(input.roles);
  const res = await db.query<UserRow>(
    `UPDATE users SET
       roles = COALESCE($2, roles),
       namespaces = CASE WHEN $3::boolean THEN $4::text[] ELSE namespaces END,
       status = COALESCE($5, status),
       session_version = session_version + 1,
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, roles, input.namespaces !== undefined, input.namespaces ?? null, input.status ?? null],
  );
  if (!res.rows[0]) throw new SyntraError('not_found', 'user not found');
  return toUser(res.rows[0]);
}

export const suspendUser = (db: Queryable, id: string): Promise<User> => updateUser(db, id, { status: 'suspended' });

/** Bumps the session version: every access token issued so far stops working. */
export async function bumpSessionVersion(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET session_version = session_version + 1, updated_at = now() WHERE id = $1', [userId]);
}

export async function activeAdminExists(db: Queryable): Promise<boolean> {
  const res = await db.query(`SELECT 1 FROM users WHERE 'admin' = ANY(roles) AND status = 'active' LIMIT 1`);
  return res.rowCount > 0;
}
