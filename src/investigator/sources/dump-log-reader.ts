import { Worker } from 'node:worker_threads';
import { readLogFiles, type LogFiles } from './dump-logs.js';

/**
 * Reads the log files of many pod directories on a worker thread, so that on a large dump the
 * thousands of small reads (a readdir, an open, a read and a close per pod) run on the second
 * core while the main thread parses the dump's JSON. Small dumps are read in place: a worker
 * costs more to start than a few hundred reads.
 *
 * The worker's code is a plain script (eval) rather than a module file, so the same code runs
 * from the sources under the test runner and from the built package. It must stay in step with
 * `readLogFiles` in dump-logs.ts; test/investigator/sources/dump-source.test.ts reads one dump
 * both ways and compares.
 */
export const OFF_THREAD_MIN_DIRS = 500;

const WORKER = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const isLogFile = (f) => f === 'logs.txt' || f === 'logs-previous.txt' || f.endsWith('.log');
parentPort.postMessage(workerData.map((dir) => {
  let files;
  try { files = readdirSync(dir); } catch { return []; }
  return files.filter(isLogFile).map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
}));
`;

export function readLogDirs(dirs: readonly string[], minDirs = OFF_THREAD_MIN_DIRS): Promise<LogFiles[]> {
  if (dirs.length < minDirs) return Promise.resolve(dirs.map(readLogFiles));
  return new Promise<LogFiles[]>((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: dirs });
    worker.once('message', (files: LogFiles[]) => resolve(files));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the log reader thread exited with code ${code} before answering`)));
  });
}
