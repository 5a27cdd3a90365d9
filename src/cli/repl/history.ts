import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { userConfigDir } from '../config/user-file.js';

/**
 * REPL history across sessions: `<user config dir>/history`, one entry per line, oldest first,
 * mode 0600 (questions can name internal systems). Multi-line entries are stored with `\n`
 * escaped so one entry stays one line.
 */
export const HISTORY_SIZE = 1000;

export const historyPath = (env: Record<string, string | undefined> = process.env): string => path.join(userConfigDir(env), 'history');

const encode = (entry: string) => entry.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const decode = (line: string) => line.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));

/** Newest first, as readline wants it. */
export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(decode).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** `entries` newest first (readline's order). */
export function saveHistory(file: string, entries: readonly string[]): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const lines = entries.slice(0, HISTORY_SIZE).map(encode).reverse();
    writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch {
    // History is a convenience: a read-only home must not break the session.
  }
}
