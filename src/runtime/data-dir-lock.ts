import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SyntraError } from '../domain/errors.js';

/**
 * One writer per embedded data directory. PGlite has no lock of its own: two processes on one
 * directory both start, and the files they write over each other lose acknowledged runs. The
 * lock is `syntra.lock` in the directory, created with O_EXCL and naming its holder (pid, host,
 * the process's start time, a random token). A second process is refused at once with the
 * holder's name. A lock whose process is gone — no such pid, or the pid now belongs to a process
 * that started later (pid reuse, a restarted container) — is taken over; a takeover first
 * creates `syntra.lock.takeover` with O_EXCL, so of two processes finding the same stale lock
 * only one removes it, and the new lock is again created with O_EXCL: never two holders.
 */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
  /** Kernel start time of the process (Linux), to tell a reused pid from the holder. */
  processStart?: string;
  token: string;
}

export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock if it is still ours; idempotent. */
  release(): void;
}

export const LOCK_FILE = 'syntra.lock';
/** A lock file that stays unreadable (its writer died between create and write) this long is stale. */
const UNREADABLE_STALE_MS = 5_000;
const ATTEMPTS = 50;

/** The kernel start time of a process (field 22 of /proc/<pid>/stat), undefined off Linux or when gone. */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readHolder(file: string): LockHolder | 'unreadable' | 'missing' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.token === 'string' && typeof h.host === 'string' ? (h as LockHolder) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Is the holder's process still running? A holder on another host cannot be checked: it counts as running. */
export function holderAlive(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return true;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStartOf(h.pid);
  return !(h.processStart && start && start !== h.processStart);
}

function inUse(dir: string, file: string, h: LockHolder): SyntraError {
  const where = h.host === os.hostname() ? '' : ` on host ${h.host}`;
  const remedy = where ? `if that process is gone, delete ${file}` : 'stop that process first';
  return new SyntraError(
    'config_invalid',
    `data directory ${dir} is in use by process ${h.pid}${where} (${h.command}, started ${h.startedAt}): ${remedy}, or start with another --data-dir`,
    { details: { holder: { pid: h.pid, host: h.host, command: h.command, startedAt: h.startedAt } } },
  );
}

function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

const unlinkQuietly = (file: string) => {
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
};

/** Removes a stale lock unless someone else is doing so or took the directory meanwhile; true when removed. */
function breakStale(file: string, stale: LockHolder | 'unreadable', me: LockHolder): boolean {
  const breaker = `${file}.takeover`;
  if (!createExclusive(breaker, JSON.stringify(me))) {
    const other = readHolder(breaker);
    // A takeover whose process died half-way leaves its file behind: clear it and try again.
    if (other === 'missing' || (other !== 'unreadable' && !holderAlive(other)) || (other === 'unreadable' && ageMs(breaker) > UNREADABLE_STALE_MS)) unlinkQuietly(breaker);
    return false;
  }
  try {
    const now = readHolder(file);
    const unchanged = now === 'missing' || (now === 'unreadable' ? stale === 'unreadable' : stale !== 'unreadable' && now.token === stale.token);
    if (!unchanged) return false;
    unlinkQuietly(file);
    return true;
  } finally {
    unlinkQuietly(breaker);
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function lockDataDir(dir: string, command: string): Promise<DataDirLock> {
  const file = path.join(dir, LOCK_FILE);
  const processStart = processStartOf(process.pid);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString(), ...(processStart ? { processStart } : {}), token: randomUUID() };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createExclusive(file, JSON.stringify(me))) {
      return {
        file,
        holder: me,
        release() {
          const now = readHolder(file);
          if (now !== 'missing' && now !== 'unreadable' && now.token === me.token) unlinkQuietly(file);
        },
      };
    }
    const holder = readHolder(file);
    if (holder === 'missing') continue;
    if (holder !== 'unreadable' && holderAlive(holder)) throw inUse(dir, file, holder);
    // Unreadable and young: its writer may be between create and write. Wait for it.
    if (holder === 'unreadable' && ageMs(file) <= UNREADABLE_STALE_MS) {
      await pause(100);
      continue;
    }
    if (!breakStale(file, holder, me)) await pause(20 + Math.random() * 30);
  }
  const last = readHolder(file);
  if (last !== 'missing' && last !== 'unreadable' && holderAlive(last)) throw inUse(dir, file, last);
  const taker = readHolder(`${file}.takeover`);
  const why = taker !== 'missing' && taker !== 'unreadable' ? `process ${taker.pid} (${taker.command}) is taking over its stale lock` : `${file} keeps changing`;
  throw new SyntraError('config_invalid', `could not lock data directory ${dir}: ${why}; is another syntra starting on it?`);
}
