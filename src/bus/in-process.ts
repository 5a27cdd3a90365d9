import type { Bus, BusHandler } from './bus.js';
import { subjectMatches } from './subject-match.js';

/**
 * Embedded mode's bus: delivery within this process, asynchronously (a publisher never runs
 * subscribers' code on its own stack, as with a real broker). Always connected until closed.
 */
export function createInProcessBus(): Bus {
  const subs = new Set<{ pattern: string; handler: BusHandler }>();
  let closed = false;

  return {
    async publish(subject, payload) {
      if (closed) return;
      for (const sub of [...subs]) {
        if (!subjectMatches(sub.pattern, subject)) continue;
        queueMicrotask(() => {
          if (!subs.has(sub)) return;
          try {
            sub.handler(subject, payload);
          } catch {
            // A subscriber's bug must not break the publisher or other subscribers.
          }
        });
      }
    },
    subscribe(pattern, handler) {
      const sub = { pattern, handler };
      subs.add(sub);
      return () => void subs.delete(sub);
    },
    isConnected: () => !closed,
    async close() {
      closed = true;
      subs.clear();
    },
  };
}
