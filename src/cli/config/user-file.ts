import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SyntraError } from '../../domain/errors.js';

/**
 * The user's CLI config file — the same file `syntra up` writes its admin key into
 * (src/access/bootstrap.ts): `$SYNTRA_CONFIG_DIR/config.json`, else
 * `$XDG_CONFIG_HOME/syntra/config.json`, else `~/.config/syntra/config.json`.
 * JSON with camelCase keys; it holds credentials, so it is written 0600 in a 0700 directory,
 * atomically (write to a temp file, then rename), and keys this CLI does not know survive.
 */
export interface StoredSession {
  /** The API these tokens belong to; a session is only used against the same endpoint. */
  endpoint: string;
  email: string;
  accessToken: string;
  accessExpiresAt: string;
  /** The refresh cookie's value; the API rotates it on every refresh. */
  refreshToken: string;
  /** Name of the refresh cookie (syntra_refresh unless the server says otherwise). */
  refreshCookie?: string;
  refreshExpiresAt?: string;
}

export interface UserConfig {
  endpoint?: string;
  apiKey?: string;
  namespace?: string;
  output?: string;
  color?: string;
  session?: StoredSession;
  [other: string]: unknown;
}

type Env = Record<string, string | undefined>;

export function userConfigDir(env: Env = process.env): string {
  if (env.SYNTRA_CONFIG_DIR) return path.resolve(env.SYNTRA_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'syntra');
}

export const userConfigPath = (env: Env = process.env): string => path.join(userConfigDir(env), 'config.json');

export interface LoadedUserConfig {
  path: string;
  config: UserConfig;
  /** Set when the file is group/world-accessible: its credentials are then ignored (like ssh does). */
  insecure?: string;
}

export function readUserConfig(env: Env = process.env): LoadedUserConfig {
  const file = userConfigPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, config: {} };
    throw new SyntraError('config_invalid', `cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SyntraError('config_invalid', `${file} is not valid JSON: fix or delete it (then \`syntra login\` again)`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SyntraError('config_invalid', `${file} must hold a JSON object: fix or delete it`);
  }
  const mode = statSync(file).mode & 0o777;
  const insecure =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? `${file} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}); its credentials are ignored until you run: chmod 600 ${file}`
      : undefined;
  return { path: file, config: parsed as UserConfig, ...(insecure ? { insecure } : {}) };
}

/**
 * Applies `change` to the stored config: keys set to undefined are removed, others merged.
 * Returns the new content.
 */
export function updateUserConfig(change: Partial<UserConfig>, env: Env = process.env): UserConfig {
  const file = userConfigPath(env);
  let current: UserConfig = {};
  try {
    current = readUserConfig(env).config;
  } catch {
    // A corrupt file is replaced rather than blocking `syntra login` from repairing it.
  }
  const next: UserConfig = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is masked by umask; chmod makes 0600 certain.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return next;
}
