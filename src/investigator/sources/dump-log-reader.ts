import { startModuleThread } from '../../runtime/module-thread.js';
import { readLogFiles, type LogFiles } from './dump-logs.js';

/**
 * Reads the log files of many pod directories on a worker thread, so that on a large dump the
 * thousands of small reads (a readdir, an open, a read and a close per pod) run on the second
 * core while the main thread parses the dump's JSON. Small dumps are read in place: a worker
 * costs more to start than a few hundred reads.
 *
 * The thread runs dump-log-worker.ts, which reads with the same readLogFiles: built, the bundle
 * dist/investigator/sources/dump-log-worker.js (scripts/build-server.mjs); from the sources, the
 * TypeScript through tsx (src/runtime/module-thread.ts).
 */
export const OFF_THREAD_MIN_DIRS = 500;

export function readLogDirs(dirs: readonly string[], minDirs = OFF_THREAD_MIN_DIRS): Promise<LogFiles[]> {
  if (dirs.length < minDirs) return Promise.resolve(dirs.map(readLogFiles));
  return new Promise<LogFiles[]>((resolve, reject) => {
    const worker = startModuleThread(new URL('./dump-log-worker.js', import.meta.url), { workerData: dirs });
    worker.once('message', (files: LogFiles[]) => resolve(files));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the log reader thread exited with code ${code} before answering`)));
  });
}
