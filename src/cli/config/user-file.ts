import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cliConfigPath, writeCliConfig } from '../../access/cli-config.js';
import { SyntraError } from '../../domain/errors.js';

/**
 * The user's CLI config file — the same file `syntra up` writes its admin key into
 * (src/access/bootstrap.ts): `$SYNTRA_CONFIG_DIR/config.json`, else
 * `$XDG_CONFIG_HOME/syntra/config.json`, else `~/.config/syntra/config.json`.
 * JSON with camelCase keys; written by src/access/cli-config.ts (0600, atomically; keys this CLI
 * does not know survive). Reading here is strict: bad JSON is an error, loose permissions void credentials.
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
  /** The endpoint the stored API key was created or checked for: it is never sent anywhere else. */
  apiKeyEndpoint?: string;
  /** Project files whose endpoint the user confirmed, each with the endpoint confirmed. */
  trustedProjectEndpoints?: Record<string, string>;
  namespace?: string;
  /** Unset by `syntra clusters use default`. */
  cluster?: string | undefined;
  output?: string;
  color?: string;
  session?: StoredSession;
  [other: string]: unknown;
}

type Env = Record<string, string | undefined>;

export const userConfigPath = (env: Env = process.env): string => cliConfigPath(env);

export const userConfigDir = (env: Env = process.env): string => path.dirname(userConfigPath(env));

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

/** A change to the stored config: a key set to undefined is removed. */
export type UserConfigChange = { [K in keyof UserConfig]?: UserConfig[K] | undefined };

/** Applies `change` to the stored config: keys set to undefined are removed, others merged. */
export const updateUserConfig = (change: UserConfigChange, env: Env = process.env): UserConfig =>
  writeCliConfig(userConfigPath(env), change) as UserConfig;
