/** Watch mode: periodic scans whose findings become alerts — from `syntra watch` over HTTP, or inside a worker (`syntra worker --watch`). */
export { Watcher, watchFingerprint, type WatchProblem, type TickResult } from './watcher.js';
export { scanCluster } from './scan.js';
export { startWorkerWatch, type WorkerWatch, type WorkerWatchOptions } from './in-worker.js';
