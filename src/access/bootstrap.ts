import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
import { SyntraError, isSyntraError } from '../domain/errors.js';
import { createApiKey, resolveApiKey } from './api-keys.js';
import { appendAudit } from './audit.js';
import { cliConfigPath, readCliConfig, writeCliConfig } from './cli-config.js';
import { createUser, hashPassword } from './users.js';

/**
 * First start. Auth is always on, so a fresh installation needs someone who can log in:
 * - an admin from SYNTRA_ADMIN_EMAIL / SYNTRA_ADMIN_PASSWORD, else `admin@localhost` with a
 *   generated password that the caller prints once (it is stored only as an argon2id hash);
 * - in embedded mode, an admin API key written to the local CLI config (0600) so the CLI
 *   works at once; kept as long as the key in the file still authenticates.
 * Listening on a non-loopback address is refused while nobody chose the admin credentials:
 * no users yet and no SYNTRA_ADMIN_PASSWORD (a generated password printed to a container log
 * is not a credential anyone chose).
 */
export interface BootstrapOptions {
  mode: 'embedded' | 'distributed';
  /** Where the CLI should talk to, e.g. http://127.0.0.1:7070. */
  endpoint: string;
  host: string;
  env?: Record<string, string | undefined>;
}

export interface BootstrapResult {
  admin: { email: string; created: boolean; generatedPassword?: string };
  cliConfig?: { path: string; keyCreated: boolean };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

async function userCount(db: Database): Promise<number> {
  const res = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return res.rows[0]?.n ?? 0;
}

export async function assertSafeToBind(db: Database, host: string, env: Record<string, string | undefined> = process.env): Promise<void> {
  if (isLoopbackHost(host) || env.SYNTRA_ADMIN_PASSWORD) return;
  if ((await userCount(db)) > 0) return;
  throw new SyntraError(
    'config_invalid',
    `refusing to listen on ${host} before an admin is configured: set SYNTRA_ADMIN_EMAIL and SYNTRA_ADMIN_PASSWORD, ` +
      'or start once on 127.0.0.1 to create the admin',
  );
}

/** The first admin, created unless one exists: `id` is set when this call created it. */
export interface AdminBootstrap {
  admin: BootstrapResult['admin'];
  createdId?: string;
}

/** The first admin's password (SYNTRA_ADMIN_PASSWORD, else generated) with its argon2 hash under way. */
export interface AdminPassword {
  password: string;
  generated: boolean;
  hash: Promise<string>;
}

/**
 * Started while a new embedded database opens (it has no users yet): the hash, ~0.1 s of
 * argon2 on libuv's threads, is then ready when the admin is created instead of after.
 */
export function adminPassword(env: Record<string, string | undefined> = process.env): AdminPassword {
  const password = env.SYNTRA_ADMIN_PASSWORD || randomBytes(18).toString('base64url');
  const hash = hashPassword(password);
  hash.catch(() => {}); // awaited by createUser; a start that fails first never asks for it
  return { password, generated: !env.SYNTRA_ADMIN_PASSWORD, hash };
}

/** The first admin, if there is none (the caller has refused an unsafe bind first: assertSafeToBind). */
export async function ensureAdmin(db: Database, env: Record<string, string | undefined> = process.env, prepared?: AdminPassword): Promise<AdminBootstrap> {
  const email = (env.SYNTRA_ADMIN_EMAIL || 'admin@localhost').trim().toLowerCase();
  if ((await userCount(db)) > 0) return { admin: { email, created: false } };
  const { password, generated, hash } = prepared ?? adminPassword(env);
  try {
    const user = await createUser(db, { email, password, passwordHash: hash, roles: ['admin'] });
    await appendAudit(db, { actorType: 'system', action: 'user.bootstrap_admin', target: user.id, result: 'ok', details: { email } });
    return { admin: { email, created: true, ...(generated ? { generatedPassword: password } : {}) }, createdId: user.id };
  } catch (e) {
    // Another replica starting at the same moment created it first.
    if (!(isSyntraError(e) && e.code === 'conflict')) throw e;
    return { admin: { email, created: false } };
  }
}

/**
 * Embedded mode: an admin API key for the local CLI, in its config, unless the key there still
 * authenticates against this database; distributed mode writes no local file.
 */
export async function ensureCliKey(db: Database, { admin, createdId }: AdminBootstrap, options: BootstrapOptions): Promise<BootstrapResult> {
  if (options.mode !== 'embedded') return { admin };
  const file = cliConfigPath(options.env ?? process.env);
  const existing = readCliConfig(file);
  if (existing?.apiKey) {
    const stillValid = await resolveApiKey(db, existing.apiKey).then(
      (p) => p.keyType === 'admin',
      () => false,
    );
    if (stillValid) {
      // The key authenticated against this very database: it belongs to this server, wherever it now listens.
      if (existing.endpoint !== options.endpoint || existing.apiKeyEndpoint !== options.endpoint) {
        writeCliConfig(file, { endpoint: options.endpoint, apiKeyEndpoint: options.endpoint });
      }
      return { admin, cliConfig: { path: file, keyCreated: false } };
    }
  }
  const ownerId =
    createdId ??
    (await db.query<{ id: string }>(`SELECT id FROM users WHERE 'admin' = ANY(roles) AND status = 'active' ORDER BY created_at LIMIT 1`)).rows[0]?.id;
  if (!ownerId) return { admin };
  const { key, secret } = await createApiKey(db, { ownerId, name: 'local CLI (syntra up)', type: 'admin', createdBy: 'system' });
  await appendAudit(db, { actorType: 'system', action: 'key.create', target: key.id, result: 'ok', details: { name: key.name, type: key.type, prefix: key.prefix } });
  writeCliConfig(file, { endpoint: options.endpoint, apiKey: secret, apiKeyEndpoint: options.endpoint });
  return { admin, cliConfig: { path: file, keyCreated: true } };
}

/** The bind check and both steps in order (a process that listens runs them around its listen: api-process.ts). */
export async function bootstrapAccess(db: Database, options: BootstrapOptions): Promise<BootstrapResult> {
  const env = options.env ?? process.env;
  await assertSafeToBind(db, options.host, env);
  return ensureCliKey(db, await ensureAdmin(db, env), options);
}

/** What the operator must see once, on stderr: a generated password and where the CLI key went. */
export function bootstrapNotice(result: BootstrapResult): string {
  const lines: string[] = [];
  if (result.admin.created && result.admin.generatedPassword) {
    lines.push(
      `Created admin ${result.admin.email} with generated password: ${result.admin.generatedPassword}`,
      '  (shown only this once — log in and change it with POST /v1/auth/password, or set SYNTRA_ADMIN_EMAIL/SYNTRA_ADMIN_PASSWORD before first start)',
    );
  } else if (result.admin.created) {
    lines.push(`Created admin ${result.admin.email} from SYNTRA_ADMIN_EMAIL/SYNTRA_ADMIN_PASSWORD.`);
  }
  if (result.cliConfig) {
    lines.push(
      `${result.cliConfig.keyCreated ? 'Stored a new' : 'Using the'} admin API key for the CLI in ${result.cliConfig.path} (mode 0600).`,
      // printf is a shell builtin: the key reaches curl on stdin, never in a process's arguments.
      `  For curl: printf 'X-API-Key: %s\\n' "$(node -p 'require(process.argv[1]).apiKey' ${result.cliConfig.path})" | curl -H @- …`,
    );
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
