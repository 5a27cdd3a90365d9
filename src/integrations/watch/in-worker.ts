import type { Principal } from '../../access/principal.js';
import { listClusters } from '../../clusters/index.js';
import { getSnapshot } from '../../control-plane/control-registry/index.js';
import type { Database } from '../../db/database.js';
import { errorMessage } from '../../domain/errors.js';
import type { EvidenceSource } from '../../investigator/sources/index.js';
import { fromGeneric, ingestAlerts } from '../alerts/index.js';
import { holdJobLease, releaseJobLease } from '../../control-plane/job-lease.js';
import { scanCluster } from './scan.js';
import { Watcher, type TickResult } from './watcher.js';

/**
 * `syntra worker --watch`: the watch loop inside the worker, with the same Watcher (dedupe,
 * cooldown per workload) as `syntra watch`, but its alerts go straight to the alert service
 * function (rules, dedupe window, one investigation per target) instead of over HTTP.
 *
 * Several clusters: the default cluster and every registered one (or those SYNTRA_WATCH_CLUSTERS
 * names), re-read from the registry at every tick so a cluster added later is watched without a
 * restart. One lease per cluster: across the replicas each cluster is scanned by one worker, and
 * the clusters spread over replicas as their leases fall free. Findings carry their cluster.
 */
export interface WorkerWatchOptions {
  db: Database;
  /** The evidence source of a cluster (null: the default cluster): the agents' clients. */
  sourceFor: (cluster: string | null) => Promise<EvidenceSource>;
  /** The clusters to watch by name (`default`: the default cluster); undefined: the default and every registered one. */
  clusters?: readonly string[] | undefined;
  namespace: string | undefined;
  intervalMs: number;
  cooldownMs: number;
  alerts: { dedupeWindowSeconds: number; maxRunsPerNotification: number };
  /** This worker's id, as the lease holder. */
  holder: string;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** In SYNTRA_WATCH_CLUSTERS, the workers' own default cluster (the registry refuses the name). */
export const DEFAULT_CLUSTER_NAME = 'default';

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

/** The default cluster keeps the lease name it had before clusters existed. */
const leaseOf = (cluster: string | null) => (cluster === null ? 'watch' : `watch:${cluster}`);

export interface WorkerWatch {
  /** One scan of every watched cluster whose lease this worker holds; null when it holds none. */
  tick(): Promise<TickResult | null>;
  stop(): Promise<void>;
}

export function startWorkerWatch(o: WorkerWatchOptions, { loop = true } = {}): WorkerWatch {
  // A holder that missed two scans (stopped, killed, partitioned) hands over.
  const ttlMs = Math.max(3 * o.intervalMs, 30_000);
  const stopping = new AbortController();
  const watchers = new Map<string | null, Watcher>();
  const held = new Set<string | null>();
  const fresh = (cluster: string | null) =>
    new Watcher({
      scan: async () => scanCluster(await o.sourceFor(cluster), o.namespace, AbortSignal.any([stopping.signal, AbortSignal.timeout(120_000)])),
      send: async (generic) => {
        const rules = (await getSnapshot(o.db)).alertRules;
        await ingestAlerts(o.db, fromGeneric({ alerts: generic }, new Date()), { principal: WATCH_PRINCIPAL, rules, ...o.alerts });
      },
      cooldownMs: o.cooldownMs,
      cluster,
    });

  const watched = async (): Promise<Array<string | null>> => {
    const registered = (await listClusters(o.db)).map((c) => c.name);
    if (o.clusters === undefined) return [null, ...registered];
    const named = new Set(o.clusters);
    // A named cluster nobody registered (yet) is skipped, and said so: it may be registered later.
    const missing = o.clusters.filter((n) => n !== DEFAULT_CLUSTER_NAME && !registered.includes(n));
    if (missing.length) o.log?.('warn', `watch: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not registered (syntra clusters add)`);
    return [...(named.has(DEFAULT_CLUSTER_NAME) ? [null] : []), ...registered.filter((n) => named.has(n))];
  };

  const tick = async (): Promise<TickResult | null> => {
    const clusters = await watched();
    // Clusters removed from the registry (or from the list) stop being watched; their leases go.
    for (const gone of [...held].filter((c) => !clusters.includes(c))) {
      watchers.delete(gone);
      held.delete(gone);
      await releaseJobLease(o.db, leaseOf(gone), o.holder);
    }
    const total: TickResult = { problems: 0, fired: [], resolved: [] };
    let holding = false;
    for (const cluster of clusters) {
      if (!(await holdJobLease(o.db, leaseOf(cluster), o.holder, ttlMs))) {
        // Standing by: whoever takes over later starts from a fresh view (the dedupe window attaches repeats).
        watchers.delete(cluster);
        held.delete(cluster);
        continue;
      }
      held.add(cluster);
      holding = true;
      let watcher = watchers.get(cluster);
      if (!watcher) watchers.set(cluster, (watcher = fresh(cluster)));
      try {
        const r = await watcher.tick();
        total.problems += r.problems;
        total.fired.push(...r.fired);
        total.resolved.push(...r.resolved);
      } catch (e) {
        // One cluster away does not stop the watch of the others; the next interval tries again.
        if (stopping.signal.aborted) throw e;
        o.log?.('warn', `watch scan of ${cluster === null ? 'the default cluster' : `cluster ${cluster}`} failed: ${errorMessage(e)}`);
      }
    }
    return holding ? total : null;
  };

  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      current = tick()
        .then((r) => {
          if (r && (r.fired.length || r.resolved.length)) o.log?.('info', `watch: ${r.problems} unhealthy; alerted ${r.fired.join(', ') || 'nothing new'}${r.resolved.length ? `; resolved ${r.resolved.join(', ')}` : ''}`);
        })
        // The database may be away for a while: the next interval tries again.
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
      for (const cluster of held) await releaseJobLease(o.db, leaseOf(cluster), o.holder).catch(() => {});
    },
  };
}
