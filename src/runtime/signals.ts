import type { RunningProcess } from './lifecycle.js';

/**
 * Waits for SIGINT or SIGTERM, then stops the process gracefully. A second signal while stopping
 * gives up on grace and exits 1 at once (the operator asked twice). Resolves with the exit code.
 */
export function stopOnSignal(proc: RunningProcess, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      log(`${signal} received: shutting down (stop accepting, drain the worker, close bus and database)`);
      proc.stop().then(
        () => {
          cleanup();
          resolve(0);
        },
        (e: unknown) => {
          log(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
          cleanup();
          resolve(1);
        },
      );
    };
    const cleanup = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
