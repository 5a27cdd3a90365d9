/** Watch mode: periodic scans whose findings become alerts of the generic webhook. */
export { Watcher, watchFingerprint, type WatchProblem, type TickResult } from './watcher.js';
export { scanCluster } from './scan.js';
