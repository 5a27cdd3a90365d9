import { parentPort, workerData } from 'node:worker_threads';
import { readLogFiles } from './dump-logs.js';

/**
 * The log reader thread (dump-log-reader.ts starts it): reads the log files of the pod
 * directories it is given, with the same readLogFiles as a read in place, and answers once.
 */
const port = parentPort;
if (!port) throw new Error('dump-log-worker.ts runs as a worker thread (started by dump-log-reader.ts)');
port.postMessage((workerData as string[]).map(readLogFiles));
