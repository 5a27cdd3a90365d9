import type { Principal } from '../../access/principal.js';
import { getSnapshot } from '../../control-plane/control-registry/index.js';
import type { Database } from '../../db/database.js';
import { errorMessage } from '../../domain/errors.js';
import type { EvidenceSource } from '../../investigator/sources/index.js';
import { fromGeneric, ingestAlerts } from '../alerts/index.js';
import { holdWatchLease, releaseWatchLease } from './lease.js';
import { scanCluster } from './scan.js';
import { Watcher, type TickResult } from './watcher.js';

/**
 * `syntra worker --watch`: the watch loop inside the worker, with the same Watcher (dedupe,
 * cooldown per workload) as `syntra watch`, but its alerts go straight to the alert service
 * function (rules, dedupe window, one investigation per target) instead of over HTTP. One worker
 * at a time holds the watch lease and scans; the others stand by.
 */
export interface WorkerWatchOptions {
  db: Database;
  source: EvidenceSource;
  namespace: string | undefined;
  intervalMs: number;
  cooldownMs: number;
  alerts: { dedupeWindowSeconds: number; maxRunsPerNotification: number };
  /** This worker's id, as the lease holder. */
  holder: string;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** Who the watch's alerts and investigations are by: the workers themselves, every namespace. */
const WATCH_PRINCIPAL: Principal = {
  type: 'user',
  id: 'syntra-watch',
  userId: 'syntra-watch',
  email: 'watch@syntra.local',
  roles: [],
  permissions: ['alerts:write'],
  namespaces: null,
  keyType: null,
};

const LEASE = 'watch';

export interface WorkerWatch {
  /** One scan if this worker holds the lease; null when another worker does. */
  tick(): Promise<TickResult | null>;
  stop(): Promise<void>;
}

export function startWorkerWatch(o: WorkerWatchOptions, { loop = true } = {}): WorkerWatch {
  // A holder that missed two scans (stopped, killed, partitioned) hands over.
  const ttlMs = Math.max(3 * o.intervalMs, 30_000);
  const stopping = new AbortController();
  let watcher: Watcher | null = null;
  const fresh = () =>
    new Watcher({
      scan: () => scanCluster(o.source, o.namespace, AbortSignal.any([stopping.signal, AbortSignal.timeout(120_000)])),
      send: async (generic) => {
        const rules = (await getSnapshot(o.db)).alertRules;
        await ingestAlerts(o.db, fromGeneric({ alerts: generic }, new Date()), { principal: WATCH_PRINCIPAL, rules, ...o.alerts });
      },
      cooldownMs: o.cooldownMs,
    });

  const tick = async (): Promise<TickResult | null> => {
    if (!(await holdWatchLease(o.db, LEASE, o.holder, ttlMs))) {
      // Standing by: whoever takes over later starts from a fresh view (the dedupe window attaches repeats).
      watcher = null;
      return null;
    }
    watcher ??= fresh();
    return watcher.tick();
  };

  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      current = tick()
        .then((r) => {
          if (r && (r.fired.length || r.resolved.length)) o.log?.('info', `watch: ${r.problems} unhealthy; alerted ${r.fired.join(', ') || 'nothing new'}${r.resolved.length ? `; resolved ${r.resolved.join(', ')}` : ''}`);
        })
        // The cluster or the database may be away for a while: the next interval tries again.
        .catch((e: unknown) => o.log?.('warn', `watch scan failed: ${errorMessage(e)}`))
        .finally(() => {
          if (!stopping.signal.aborted) schedule();
        });
    }, o.intervalMs);
  };
  if (loop) schedule();

  return {
    tick,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await current.catch(() => {});
      await releaseWatchLease(o.db, LEASE, o.holder).catch(() => {});
    },
  };
}
