import { announceWorker } from '../control-plane/workers.js';
import type { Queryable } from '../db/database.js';

/**
 * Remote workers announce themselves by claiming: a claim names the worker and the task types
 * it serves, so it doubles as the heartbeat. Written at most every few seconds per worker (a
 * busy worker claims many times a second), and at once when its task types change.
 */
const MIN_INTERVAL_MS = 5_000;
const REMEMBERED = 10_000;

export interface RemoteWorkerAnnouncer {
  seen(a: { workerId: string; credential: string; taskTypes: readonly string[]; namespaces: readonly string[] | null }): Promise<void>;
}

export function createRemoteWorkerAnnouncer(db: Queryable): RemoteWorkerAnnouncer {
  const last = new Map<string, { at: number; types: string }>();
  return {
    async seen(a) {
      const key = `${a.credential}/${a.workerId}`;
      const types = [...a.taskTypes].sort().join(',');
      const prev = last.get(key);
      const now = Date.now();
      if (prev && prev.types === types && now - prev.at < MIN_INTERVAL_MS) return;
      await announceWorker(db, { ...a, transport: 'http' }, { started: !prev });
      last.delete(key);
      last.set(key, { at: now, types });
      // Insertion order is age order: drop the oldest beyond the bound.
      if (last.size > REMEMBERED) last.delete(last.keys().next().value!);
    },
  };
}
