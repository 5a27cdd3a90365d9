import type { Queryable } from '../db/database.js';
import { toDate, toDateOrNull } from '../db/sql-values.js';

/**
 * The worker registry: who serves which task types, seen when. Workers announce themselves on
 * start and with every heartbeat; every kind ever announced stays known (`task_kinds`), which
 * is what lets a submit of a kind nobody serves be refused instead of queued forever.
 */
export type WorkerTransport = 'database' | 'http';

export interface WorkerAnnouncement {
  workerId: string;
  /** The API key id of a remote worker; omitted for workers on the database directly. */
  credential?: string | undefined;
  transport: WorkerTransport;
  taskTypes: readonly string[];
  /** null/undefined: every namespace. */
  namespaces?: readonly string[] | null | undefined;
  host?: string | undefined;
  /** The control-registry version the worker has loaded; omitted/null when it uses none. */
  controlVersion?: number | null | undefined;
}

export type WorkerStatus = 'live' | 'silent' | 'stopped';

export interface WorkerRecord {
  workerId: string;
  credential: string | null;
  transport: WorkerTransport;
  taskTypes: string[];
  namespaces: string[] | null;
  host: string | null;
  startedAt: Date;
  lastSeenAt: Date;
  stoppedAt: Date | null;
  status: WorkerStatus;
  controlVersion: number | null;
}

/** A worker not seen for this long is `silent` (three missed heartbeats of 15 s, with slack). */
export const SILENT_AFTER_SECONDS = 60;
/** Registry rows of workers silent this long are dropped when another worker starts. */
const PRUNE_AFTER = '1 day';

/**
 * Upserts the worker and the kinds it serves, in one statement. `started` marks a fresh start
 * (started_at reset, long-silent workers pruned); otherwise it is a heartbeat.
 */
export async function announceWorker(db: Queryable, a: WorkerAnnouncement, options: { started?: boolean } = {}): Promise<void> {
  if (options.started) await db.query(`DELETE FROM workers WHERE last_seen_at < now() - interval '${PRUNE_AFTER}'`);
  await db.query(
    `WITH w AS (
       INSERT INTO workers (credential, worker_id, transport, task_types, namespaces, host, control_version)
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $8)
       ON CONFLICT (credential, worker_id) DO UPDATE SET
         transport = EXCLUDED.transport, task_types = EXCLUDED.task_types, namespaces = EXCLUDED.namespaces,
         host = EXCLUDED.host, control_version = EXCLUDED.control_version, last_seen_at = now(), stopped_at = NULL,
         started_at = CASE WHEN $7::boolean THEN now() ELSE workers.started_at END
       RETURNING 1
     )
     INSERT INTO task_kinds (kind) SELECT DISTINCT unnest($4::text[])
     ON CONFLICT (kind) DO UPDATE SET last_seen_at = now()`,
    [a.credential ?? '', a.workerId, a.transport, [...a.taskTypes], a.namespaces ? [...a.namespaces] : null, a.host ?? null, options.started ?? false, a.controlVersion ?? null],
  );
}

export async function markWorkerStopped(db: Queryable, a: Pick<WorkerAnnouncement, 'workerId' | 'credential'>): Promise<void> {
  await db.query('UPDATE workers SET stopped_at = now() WHERE credential = $1 AND worker_id = $2', [a.credential ?? '', a.workerId]);
}

/** Every task type any worker has ever announced, sorted. */
export async function knownKinds(db: Queryable): Promise<string[]> {
  const res = await db.query<{ kind: string }>('SELECT kind FROM task_kinds ORDER BY kind');
  return res.rows.map((r) => r.kind);
}

interface WorkerRow {
  credential: string;
  worker_id: string;
  transport: WorkerTransport;
  task_types: string[];
  namespaces: string[] | null;
  host: string | null;
  started_at: Date;
  last_seen_at: Date;
  stopped_at: Date | null;
  silent: boolean;
  control_version: number | null;
}

/**
 * Workers, most recently seen first. With `namespaces`, only workers that may serve one of them
 * (or every namespace): a namespace-limited caller does not learn about other tenants' pools.
 */
export async function listWorkers(db: Queryable, options: { namespaces?: readonly string[] | undefined; limit?: number } = {}): Promise<WorkerRecord[]> {
  const res = await db.query<WorkerRow>(
    `SELECT credential, worker_id, transport, task_types, namespaces, host, started_at, last_seen_at, stopped_at, control_version,
            last_seen_at < now() - make_interval(secs => $3) AS silent
       FROM workers
      WHERE $1::text[] IS NULL OR namespaces IS NULL OR namespaces && $1::text[]
      ORDER BY last_seen_at DESC, worker_id LIMIT $2`,
    [options.namespaces ? [...options.namespaces] : null, options.limit ?? 500, SILENT_AFTER_SECONDS],
  );
  return res.rows.map((r) => ({
    workerId: r.worker_id,
    credential: r.credential === '' ? null : r.credential,
    transport: r.transport,
    taskTypes: r.task_types,
    namespaces: r.namespaces,
    host: r.host,
    startedAt: toDate(r.started_at),
    lastSeenAt: toDate(r.last_seen_at),
    stoppedAt: toDateOrNull(r.stopped_at),
    status: r.stopped_at ? 'stopped' : r.silent ? 'silent' : 'live',
    controlVersion: r.control_version === null ? null : Number(r.control_version),
  }));
}

/** How many live workers serve `taskType` (for `namespace`, when given: workers limited to others do not count). */
export async function liveWorkersServing(db: Queryable, taskType: string, namespace: string | null): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM workers
      WHERE stopped_at IS NULL AND last_seen_at >= now() - make_interval(secs => $3) AND $1 = ANY(task_types)
        AND (namespaces IS NULL OR ($2::text IS NOT NULL AND $2 = ANY(namespaces)))`,
    [taskType, namespace, SILENT_AFTER_SECONDS],
  );
  return Number(res.rows[0]?.n ?? 0);
}
