import { rmSync } from 'node:fs';
import { ensurePrivateDir, makeOwnerOnly, restrictNewFiles } from '../db/private-files.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';

/**
 * The embedded data directory of `syntra up`, claimed before the database opens: created
 * owner-only (0700), locked for this process (one writer, data-dir-lock.ts), everything already
 * in it made owner-only (installs from before that rule), new files born private. `release`
 * removes the lock; a directory this start created is removed again when the start fails, so a
 * failed start leaves nothing behind.
 */
export interface ClaimedDataDir {
  readonly dir: string;
  readonly created: boolean;
  readonly lock: DataDirLock;
  /** Removes the lock if it is still ours (idempotent); `removeIfCreated` also removes a directory this start created. */
  release(options?: { removeIfCreated?: boolean }): void;
}

export async function claimDataDir(dir: string, command: string): Promise<ClaimedDataDir> {
  const { created } = ensurePrivateDir(dir);
  let lock: DataDirLock;
  try {
    lock = await lockDataDir(dir, command);
  } catch (e) {
    if (created) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  restrictNewFiles();
  makeOwnerOnly(dir);
  return {
    dir,
    created,
    lock,
    release(options = {}) {
      lock.release();
      if (options.removeIfCreated && created) rmSync(dir, { recursive: true, force: true });
    },
  };
}
