import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { isUuid, jsonParam, toDate, toDateOrNull } from '../db/sql-values.js';
import type { RootCauseType } from '../domain/diagnosis.js';
import {
  incidentFingerprint,
  incidentTitle,
  symptomsOf,
  type Incident,
  type IncidentObservation,
  type IncidentStatus,
} from './incident.js';

/**
 * Writing incidents. An upsert by fingerprint, in one transaction, linked to the run through
 * incident_runs: a report step that is retried after it already recorded its run changes the
 * fields but never counts the occurrence twice.
 */
export const INCIDENT_COLUMNS = `id::text AS id, fingerprint, namespace, title, status, root_cause_type, summary, confidence,
  symptoms, affected_resources, remediation, occurrences, first_seen, last_seen, resolved_at, last_run_id::text AS last_run_id`;

export function toIncident(r: Record<string, unknown>): Incident {
  return {
    id: String(r.id),
    fingerprint: String(r.fingerprint),
    namespace: (r.namespace as string | null) ?? null,
    title: String(r.title),
    status: r.status as IncidentStatus,
    rootCauseType: r.root_cause_type as RootCauseType,
    summary: String(r.summary),
    confidence: Number(r.confidence),
    symptoms: r.symptoms as Incident['symptoms'],
    affectedResources: r.affected_resources as Incident['affectedResources'],
    remediation: r.remediation as Incident['remediation'],
    occurrences: Number(r.occurrences),
    firstSeen: toDate(r.first_seen),
    lastSeen: toDate(r.last_seen),
    resolvedAt: toDateOrNull(r.resolved_at),
    lastRunId: (r.last_run_id as string | null) ?? null,
  };
}

export interface UpsertResult {
  incident: Incident;
  /** true when this observation opened a new incident. */
  created: boolean;
}

export async function upsertIncident(db: Database, o: IncidentObservation): Promise<UpsertResult> {
  if (!isUuid(o.runId)) throw new SyntraError('validation_failed', `run id ${o.runId} is not a uuid`);
  const d = o.diagnosis;
  const fields = [
    incidentTitle(o),
    d.root_cause.type,
    d.root_cause.summary,
    Math.min(1, Math.max(0, d.root_cause.confidence)),
    jsonParam(symptomsOf(d)),
    jsonParam(d.affected_resources),
    jsonParam(d.remediation),
  ];
  const fingerprint = incidentFingerprint(o);
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO incidents (fingerprint, namespace, title, root_cause_type, summary, confidence, symptoms, affected_resources, remediation, last_run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10)
       ON CONFLICT (fingerprint) DO NOTHING RETURNING ${INCIDENT_COLUMNS}`,
      [fingerprint, o.namespace, ...fields, o.runId],
    );
    if (inserted.rows[0]) {
      const incident = toIncident(inserted.rows[0]);
      await linkRun(tx, incident.id, o.runId);
      return { incident, created: true };
    }
    const existing = await tx.query<{ id: string }>(`SELECT id::text AS id FROM incidents WHERE fingerprint = $1 FOR UPDATE`, [fingerprint]);
    const id = existing.rows[0]!.id;
    const newRun = await linkRun(tx, id, o.runId);
    const updated = await tx.query(
      `UPDATE incidents SET title = $2, root_cause_type = $3, summary = $4, confidence = $5, symptoms = $6::jsonb,
              affected_resources = $7::jsonb, remediation = $8::jsonb, last_run_id = $9, status = 'open', resolved_at = NULL,
              occurrences = occurrences + CASE WHEN $10 THEN 1 ELSE 0 END,
              last_seen = CASE WHEN $10 THEN now() ELSE last_seen END
        WHERE id = $1 RETURNING ${INCIDENT_COLUMNS}`,
      [id, ...fields, o.runId, newRun],
    );
    return { incident: toIncident(updated.rows[0]!), created: false };
  });
}

async function linkRun(tx: Queryable, incidentId: string, runId: string): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO incident_runs (incident_id, run_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING incident_id`,
    [incidentId, runId],
  );
  return res.rows.length > 0;
}

/**
 * A run found the subject healthy: its open incidents are resolved (they stay in memory, and a
 * later recurrence reopens the same record).
 */
export async function resolveIncidentsOf(
  db: Database,
  o: { namespace: string | null; subject: { kind: string; name: string }; runId: string },
): Promise<string[]> {
  const prefix = `${o.namespace ?? '-'}|${o.subject.kind}/${o.subject.name}|`;
  const res = await db.query<{ id: string }>(
    `UPDATE incidents SET status = 'resolved', resolved_at = now(), last_run_id = $2
      WHERE status = 'open' AND starts_with(fingerprint, $1) RETURNING id::text AS id`,
    [prefix, o.runId],
  );
  return res.rows.map((r) => r.id);
}
