import type { Bus } from '../bus/bus.js';
import { runEventsSubject } from '../bus/subjects.js';

/**
 * Turns bus notifications into something a request loop can wait on: `wait()` resolves on the
 * next notification, after `ms` (the database-poll backstop, since the bus is best effort), or
 * when the signal aborts. A notification that arrives while the loop is busy is remembered, so
 * the next wait returns at once and no wakeup is lost between a query and the wait.
 */
export interface Wakeup {
  wait(ms: number, signal: AbortSignal): Promise<void>;
  close(): void;
}

export function listenForWakeups(bus: Bus, subjects: readonly string[]): Wakeup {
  let pending = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    pending = true;
    wake?.();
  };
  const unsubscribes: Array<() => unknown> = [];
  for (const subject of subjects) {
    try {
      unsubscribes.push(bus.subscribe(subject, notify));
    } catch {
      // The bus is best effort; the poll backstop still finds new work.
    }
  }

  return {
    wait(ms, signal) {
      if (pending || signal.aborted) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = undefined;
          pending = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        wake = done;
      });
    },
    close() {
      wake?.();
      for (const off of unsubscribes.splice(0)) {
        try {
          void Promise.resolve(off()).catch(() => {});
        } catch {
          // Unsubscribing from a closed bus is harmless.
        }
      }
    },
  };
}

/**
 * Tells event streams of a run (in any replica) that its ledger grew. Best effort: a lost
 * notification only delays a stream until its next database poll.
 */
export function notifyRunEvents(bus: Bus, runId: string): void {
  if (!bus.isConnected()) return;
  bus.publish(runEventsSubject(runId), {}).catch(() => {});
}
