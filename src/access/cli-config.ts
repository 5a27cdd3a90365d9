import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The local CLI config file: `$SYNTRA_CONFIG_DIR/config.json`, else
 * `$XDG_CONFIG_HOME/syntra/config.json`, else `~/.config/syntra/config.json`.
 * It holds an API key, so it is written 0600 in a 0700 directory, atomically.
 */
export interface CliConfig {
  endpoint?: string;
  apiKey?: string;
  /** The endpoint the stored key belongs to; the CLI never sends it to another one. */
  apiKeyEndpoint?: string;
  [other: string]: unknown;
}

/** A change to the file: a key set to undefined is removed. */
export type CliConfigPatch = { [K in keyof CliConfig]?: CliConfig[K] | undefined };

export function cliConfigPath(env: Record<string, string | undefined> = process.env): string {
  if (env.SYNTRA_CONFIG_DIR) return path.join(path.resolve(env.SYNTRA_CONFIG_DIR), 'config.json');
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'syntra', 'config.json');
}

export function readCliConfig(file: string): CliConfig | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as CliConfig) : null;
  } catch {
    return null;
  }
}

/**
 * Merges `patch` into the file (other settings survive; a key set to undefined is removed) and
 * leaves it readable by its owner only. A corrupt file is replaced rather than blocking a repair.
 */
export function writeCliConfig(file: string, patch: CliConfigPatch): CliConfig {
  const next: CliConfig = { ...(readCliConfig(file) ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
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
