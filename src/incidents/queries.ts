import { SCOPE_SQL } from '../clusters/scope.js';
import type { Queryable } from '../db/database.js';
import { keysetPage, type KeysetFilter } from '../db/keyset-page.js';
import { isUuid, toDate } from '../db/sql-values.js';
import { RECURRENCE_WINDOW_DAYS, type Incident, type IncidentStatus } from './incident.js';
import { listFeedback, type Feedback } from './lifecycle.js';
import { recurrenceOf, type Recurrence } from './memory/recurrence.js';
import { INCIDENT_COLUMNS, toIncident } from './store.js';

/** Reading incidents: one by id, or a filtered, keyset-paginated listing (most recent first). */
/**
 * The memory record of the original design, as one object: {incident_id, timestamp, namespace,
 * affected_resources, symptoms, root_cause {type, confidence}, remediation {action, verified},
 * tags, embedding} (the vector itself is not sent: its model and size are).
 */
export interface MemoryRecord {
  incident_id: string;
  timestamp: string;
  namespace: string | null;
  affected_resources: Incident['affectedResources'];
  symptoms: string[];
  root_cause: { type: string; confidence: number; correct: boolean | null };
  remediation: { action: string | null; verified: boolean | null };
  tags: string[];
  embedding: { model: string; dimensions: number } | null;
}

/** Set when retention summarised the incident: when, and the counts of what was removed. */
export interface Summarised {
  at: Date;
  counts: { runs: number; feedback: number; symptoms: number; memoryTextChars: number };
}

export type IncidentDetail = Incident & { runIds: string[]; feedback: Feedback[]; recurrence: Recurrence | null; memory: MemoryRecord; summarised: Summarised | null };

export async function getIncident(db: Queryable, id: string): Promise<IncidentDetail | null> {
  if (!isUuid(id)) return null;
  const res = await db.query(
    `SELECT ${INCIDENT_COLUMNS}, embedding_model, embedding_dims, summarised_at, summarised_counts FROM incidents WHERE id = $1`,
    [id],
  );
  const row = res.rows[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  const incident = toIncident(row);
  const runs = await db.query<{ run_id: string }>(
    `SELECT run_id::text AS run_id FROM incident_runs WHERE incident_id = $1 ORDER BY created_at DESC, run_id DESC LIMIT 100`,
    [id],
  );
  const memory: MemoryRecord = {
    incident_id: incident.id,
    timestamp: incident.lastSeen.toISOString(),
    namespace: incident.namespace,
    affected_resources: incident.affectedResources,
    symptoms: incident.symptoms,
    root_cause: { type: incident.rootCauseType, confidence: incident.confidence, correct: incident.rootCauseCorrect },
    remediation: { action: incident.lastFix ?? incident.remediation.immediate?.[0] ?? null, verified: incident.remediationVerified },
    tags: incident.tags,
    embedding: row.embedding_model ? { model: String(row.embedding_model), dimensions: Number(row.embedding_dims ?? 0) } : null,
  };
  const summarised = row.summarised_at ? { at: toDate(row.summarised_at), counts: row.summarised_counts as Summarised['counts'] } : null;
  return { ...incident, runIds: runs.rows.map((r) => r.run_id), feedback: await listFeedback(db, id), recurrence: recurrenceOf(incident), memory, summarised };
}

export interface ListIncidentsQuery {
  status?: IncidentStatus;
  namespace?: string;
  rootCauseType?: string;
  /** Only incidents seen by two or more runs within the recurrence window. */
  recurring?: boolean;
  tag?: string;
  /** Namespace isolation: only incidents in these namespaces; undefined = all. */
  namespaces?: readonly string[];
  cursor?: string;
  limit: number;
}

export async function listIncidents(db: Queryable, q: ListIncidentsQuery): Promise<{ items: Array<Incident & { recurrence: Recurrence | null }>; nextCursor: string | null }> {
  const filters: KeysetFilter[] = [];
  if (q.status) filters.push({ sql: (p) => `status = ${p}`, value: q.status });
  if (q.namespace) filters.push({ sql: (p) => `namespace = ${p}`, value: q.namespace });
  if (q.rootCauseType) filters.push({ sql: (p) => `root_cause_type = ${p}`, value: q.rootCauseType });
  if (q.recurring) {
    filters.push({
      sql: (p) => `(SELECT count(*) FROM incident_runs ir WHERE ir.incident_id = incidents.id AND ir.created_at > now() - make_interval(days => ${p}::int)) >= 2`,
      value: RECURRENCE_WINDOW_DAYS,
    });
  }
  if (q.tag) filters.push({ sql: (p) => `${p} = ANY(tags)`, value: q.tag });
  if (q.namespaces) filters.push({ sql: (p) => `${SCOPE_SQL} = ANY(${p}::text[])`, value: [...q.namespaces] });
  const page = await keysetPage(db, {
    columns: INCIDENT_COLUMNS,
    table: 'incidents',
    timeColumn: 'last_seen',
    filters,
    cursor: q.cursor,
    limit: q.limit,
    maxLimit: 200,
  });
  return { items: page.rows.map(toIncident).map((i) => ({ ...i, recurrence: recurrenceOf(i) })), nextCursor: page.nextCursor };
}
