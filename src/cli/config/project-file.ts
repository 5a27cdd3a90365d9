import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SyntraError } from '../../domain/errors.js';

/**
 * The project config: `.syntra/config.json` in the current directory or the nearest parent
 * that has one — settings a team shares in a repository (endpoint, namespace, output, color).
 * Secrets never belong there, so an `apiKey` in it is ignored with a warning.
 */
export interface ProjectConfig {
  path: string;
  config: Record<string, unknown>;
}

export const PROJECT_CONFIG = path.join('.syntra', 'config.json');

export function findProjectConfigPath(cwd: string = process.cwd()): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, PROJECT_CONFIG);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readProjectConfig(cwd: string = process.cwd()): ProjectConfig | undefined {
  const file = findProjectConfigPath(cwd);
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SyntraError('config_invalid', `${file} is not valid JSON (${(e as Error).message}): fix or delete it`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SyntraError('config_invalid', `${file} must hold a JSON object: fix or delete it`);
  }
  return { path: file, config: parsed as Record<string, unknown> };
}

/** Writes a setting into the nearest project file (or ./.syntra/config.json when there is none). */
export function updateProjectConfig(change: Record<string, string | undefined>, cwd: string = process.cwd()): string {
  const file = findProjectConfigPath(cwd) ?? path.join(path.resolve(cwd), PROJECT_CONFIG);
  const current = existsSync(file) ? (readProjectConfig(path.dirname(path.dirname(file)))?.config ?? {}) : {};
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  return file;
}
