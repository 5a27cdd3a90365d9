import { SCOPE_SQL } from '../clusters/scope.js';
import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { runCancelSubject } from '../bus/subjects.js';
import { appendEvent } from './ledger.js';
import { signalOutbox } from './outbox-signal.js';
import { ARTIFACT_COLUMNS, EVENT_COLUMNS, RUN_COLUMNS, TASK_COLUMNS, toArtifact, toEvent, toRun, toTask } from './row-mappers.js';
import { keysetPage, type KeysetFilter } from '../db/keyset-page.js';
import { archivedRowsOf } from './run-archive.js';
import { isUuid, jsonParam } from '../db/sql-values.js';
import { TERMINAL_RUN_STATUSES, type Run, type RunDetail, type RunStatus } from './types.js';

/** The run with its tasks, artifacts and whole ledger (archived or not); null when it does not exist. */
export async function getRun(db: Database, runId: string): Promise<RunDetail | null> {
  if (!isUuid(runId)) return null;
  const run = await db.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [runId]);
  if (run.rows.length === 0) return null;
  const [tasks, artifacts, events] = await Promise.all([
    db.query(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE run_id = $1 UNION ALL SELECT ${TASK_COLUMNS} FROM ${archivedRowsOf('tasks', 'tasks')} ORDER BY created_at, id`,
      [runId],
    ),
    db.query(`SELECT ${ARTIFACT_COLUMNS} FROM artifacts WHERE run_id = $1 ORDER BY created_at, id`, [runId]),
    db.query(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE run_id = $1 UNION ALL SELECT ${EVENT_COLUMNS} FROM ${archivedRowsOf('ledger_events', 'events')} ORDER BY seq`, [runId]),
  ]);
  return {
    run: toRun(run.rows[0]!),
    tasks: tasks.rows.map(toTask),
    artifacts: artifacts.rows.map(toArtifact),
    events: events.rows.map(toEvent),
  };
}

/** Just a run's status and namespace: what live followers poll, without loading its ledger. */
export async function getRunStatus(db: Queryable, runId: string): Promise<{ status: RunStatus; namespace: string | null; cluster: string | null } | null> {
  if (!isUuid(runId)) return null;
  const res = await db.query<{ status: RunStatus; namespace: string | null; cluster: string | null }>('SELECT status, namespace, cluster FROM runs WHERE id = $1', [runId]);
  return res.rows[0] ?? null;
}

export interface ListRunsQuery {
  status?: RunStatus;
  kind?: string;
  since?: Date;
  /** Namespace isolation: only runs in these scopes (`namespace`, or `cluster/namespace` in another cluster); undefined = every run. */
  namespaces?: readonly string[];
  cursor?: string;
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listRuns(db: Database, q: ListRunsQuery): Promise<{ items: Run[]; nextCursor: string | null }> {
  const filters: KeysetFilter[] = [];
  if (q.status) filters.push({ sql: (p) => `status = ${p}`, value: q.status });
  if (q.kind) filters.push({ sql: (p) => `kind = ${p}`, value: q.kind });
  if (q.since) filters.push({ sql: (p) => `created_at >= ${p}`, value: q.since });
  if (q.namespaces) filters.push({ sql: (p) => `${SCOPE_SQL} = ANY(${p}::text[])`, value: [...q.namespaces] });
  const page = await keysetPage(db, { columns: RUN_COLUMNS, table: 'runs', timeColumn: 'created_at', filters, cursor: q.cursor, limit: q.limit, maxLimit: 500 });
  return { items: page.rows.map(toRun), nextCursor: page.nextCursor };
}

/**
 * Cancels a run: every open queue item and task is cancelled (a leased item keeps its token, so
 * its worker's complete/fail gets a clean "run finished" answer), the run becomes cancelled,
 * and a `syntra.run.<id>.cancel` outbox message makes the workers abort running handlers.
 */
export async function cancelRun(db: Database, runId: string, opts: { actor?: string; reason?: string } = {}): Promise<Run> {
  if (!isUuid(runId)) throw new SyntraError('not_found', `run ${runId} does not exist`);
  const actor = opts.actor ?? null;
  const reason = opts.reason ?? 'cancelled by request';
  const run = await db.transaction(async (tx) => {
    // Lock order as everywhere: queue items first, then the run.
    await tx.query(`SELECT id FROM queue_items WHERE run_id = $1 AND state IN ('available', 'leased') ORDER BY id FOR UPDATE`, [runId]);
    const locked = await tx.query<{ status: RunStatus }>(`SELECT status FROM runs WHERE id = $1 FOR UPDATE`, [runId]);
    const status = locked.rows[0]?.status;
    if (status === undefined) throw new SyntraError('not_found', `run ${runId} does not exist`);
    if (TERMINAL_RUN_STATUSES.has(status)) {
      throw new SyntraError('run_finished', `run ${runId} already finished (${status})`, { details: { status } });
    }
    await tx.query(`SELECT syntra_close_open_work($1, $2, $3)`, [runId, actor, reason]);
    const updated = await tx.query(
      `UPDATE runs SET status = 'cancelled', finished_at = now(), error = $2::jsonb WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [runId, jsonParam({ code: 'cancelled', message: reason })],
    );
    await appendEvent(tx, { runId, type: 'run.cancelled', actor, data: { reason } });
    await tx.query(`INSERT INTO outbox (topic, payload) VALUES ($1, $2::jsonb)`, [
      runCancelSubject(runId),
      jsonParam({ runId, reason }),
    ]);
    return toRun(updated.rows[0]!);
  });
  signalOutbox();
  return run;
}
