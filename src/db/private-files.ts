import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * The embedded database (and the signing secrets, hashes and runs in it) is readable by its
 * owner only: directories 0700, files 0600. PGlite writes the files of a new database with mode
 * 0666 whatever the umask, and installs from before this rule have them so: `makeOwnerOnly`
 * fixes a whole tree (run after PGlite opened a directory, and again after it closed), and
 * `restrictNewFiles` sets the process umask to 077 so files created meanwhile are born private.
 */
export function ensurePrivateDir(dir: string): { created: boolean } {
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  chmodSync(dir, 0o700);
  return { created };
}

/** Clears group and other bits on `root` and everything under it; links are left alone. Returns how many entries changed. */
export function makeOwnerOnly(root: string): number {
  let changed = 0;
  const visit = (p: string) => {
    let st;
    try {
      st = lstatSync(p);
    } catch (e) {
      // PGlite removes files while it runs (WAL segments, temp files): gone is fine.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    if (st.isSymbolicLink()) return;
    const mode = st.mode & 0o777;
    const wanted = st.isDirectory() ? 0o700 : mode & 0o700;
    if (mode !== wanted) {
      chmodSync(p, wanted);
      changed += 1;
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  visit(root);
  return changed;
}

/**
 * New files of this process are owner-only (the umask of a PostgreSQL server, 077). The umask is
 * the process's and only the main thread may set it: on the thread that runs PGlite
 * (pglite-thread.ts) the main thread has set it before starting that thread, and this checks it.
 */
export function restrictNewFiles(): void {
  if (isMainThread) process.umask(0o077);
  else if ((process.umask() & 0o077) !== 0o077) throw new Error('the process umask lets others read new database files: restrictNewFiles() must run on the main thread first');
}
