import type { Database } from '../../db/database.js';
import { startPeriodicJob, type PeriodicJob } from '../../control-plane/periodic-job.js';
import { closeIncidentIfQuiet } from './incident-link.js';

/**
 * After an alert's investigation finishes: record the incident it produced on the alert rows,
 * close that incident when every alert on it resolved meanwhile, and hand the finished run to
 * the listeners (notifications). Polled, so a restart loses nothing; rows are claimed with
 * SKIP LOCKED, so several API replicas never follow one run up twice.
 */
export interface FinishedAlertRun {
  runId: string;
  runStatus: string;
  incidentId: string | null;
  alertIds: string[];
}

export type FinishedRunListener = (db: Database, run: FinishedAlertRun) => Promise<void>;

export interface FollowUpOptions {
  db: Database;
  intervalMs: number;
  listeners?: readonly FinishedRunListener[];
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** One pass; returns how many runs it followed up. Exported for tests and for a manual nudge. */
export async function followUpFinishedRuns(db: Database, listeners: readonly FinishedRunListener[] = [], limit = 20): Promise<number> {
  const finished = await db.transaction(async (tx) => {
    const res = await tx.query<{ run_id: string; status: string; incident_id: string | null; alert_ids: string[] }>(
      `WITH pending AS (
         SELECT a.id, a.run_id FROM alerts a JOIN runs r ON r.id = a.run_id
          WHERE a.followed_up_at IS NULL AND a.run_id IS NOT NULL AND r.status IN ('succeeded', 'failed', 'cancelled')
          ORDER BY a.first_received LIMIT $1 FOR UPDATE OF a SKIP LOCKED
       ), marked AS (
         UPDATE alerts a SET followed_up_at = now(),
                incident_id = (SELECT (r.output->>'incidentId')::uuid FROM runs r
                                WHERE r.id = a.run_id AND r.output->>'incidentId' ~ '^[0-9a-f-]{36}$' AND EXISTS (SELECT 1 FROM incidents i WHERE i.id = (r.output->>'incidentId')::uuid))
          FROM pending p WHERE a.id = p.id
          RETURNING a.id, a.run_id, a.incident_id
       )
       SELECT m.run_id::text AS run_id, r.status, max(m.incident_id::text) AS incident_id, array_agg(m.id::text) AS alert_ids
         FROM marked m JOIN runs r ON r.id = m.run_id GROUP BY m.run_id, r.status`,
      [limit],
    );
    return res.rows;
  });
  for (const row of finished) {
    const run: FinishedAlertRun = { runId: row.run_id, runStatus: row.status, incidentId: row.incident_id, alertIds: row.alert_ids };
    // Every alert on the run resolved while it was investigating: the incident closes at once.
    if (run.incidentId) await closeIncidentIfQuiet(db, run.incidentId, null);
    try {
      for (const listener of listeners) await listener(db, run);
    } catch (e) {
      // Listeners are idempotent (notifications are submitted under idempotency keys): the next
      // pass follows this run up again instead of losing what the listener had to do.
      await db.query(`UPDATE alerts SET followed_up_at = NULL WHERE id = ANY($1::uuid[])`, [run.alertIds]);
      throw e;
    }
  }
  return finished.length;
}

export type FollowUpLoop = PeriodicJob;

export function startAlertFollowUp(o: FollowUpOptions): FollowUpLoop {
  return startPeriodicJob({
    name: 'alert follow-up',
    intervalMs: o.intervalMs,
    // A full pass follows up runs until none is left, in batches.
    round: async (signal) => {
      while (!signal.aborted && (await followUpFinishedRuns(o.db, o.listeners)) > 0);
    },
    log: o.log,
  });
}
