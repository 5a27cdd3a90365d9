import type { Database } from '../../db/database.js';

/**
 * Alerts ↔ incidents. An incident an alert's run produced is resolved when the alert resolves —
 * unless another alert on it still fires (two replicas' crash-loop alerts, one recovered).
 */
export async function closeIncidentIfQuiet(db: Database, incidentId: string, runId: string | null): Promise<boolean> {
  const res = await db.query<{ id: string }>(
    `UPDATE incidents i SET status = 'resolved', resolved_at = now(), last_run_id = coalesce($2::uuid, i.last_run_id)
      WHERE i.id = $1 AND i.status = 'open'
        AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = i.id AND a.status = 'firing')
      RETURNING i.id::text AS id`,
    [incidentId, runId],
  );
  return res.rows.length > 0;
}
