import type { Queryable } from '../db/database.js';
import { keysetPage, type KeysetFilter } from '../db/keyset-page.js';
import { isUuid } from '../db/sql-values.js';
import type { Incident, IncidentStatus } from './incident.js';
import { INCIDENT_COLUMNS, toIncident } from './store.js';

/** Reading incidents: one by id, or a filtered, keyset-paginated listing (most recent first). */
export async function getIncident(db: Queryable, id: string): Promise<(Incident & { runIds: string[] }) | null> {
  if (!isUuid(id)) return null;
  const res = await db.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id]);
  if (!res.rows[0]) return null;
  const runs = await db.query<{ run_id: string }>(
    `SELECT run_id::text AS run_id FROM incident_runs WHERE incident_id = $1 ORDER BY created_at DESC, run_id DESC LIMIT 100`,
    [id],
  );
  return { ...toIncident(res.rows[0]), runIds: runs.rows.map((r) => r.run_id) };
}

export interface ListIncidentsQuery {
  status?: IncidentStatus;
  namespace?: string;
  rootCauseType?: string;
  /** Namespace isolation: only incidents in these namespaces; undefined = all. */
  namespaces?: readonly string[];
  cursor?: string;
  limit: number;
}

export async function listIncidents(db: Queryable, q: ListIncidentsQuery): Promise<{ items: Incident[]; nextCursor: string | null }> {
  const filters: KeysetFilter[] = [];
  if (q.status) filters.push({ sql: (p) => `status = ${p}`, value: q.status });
  if (q.namespace) filters.push({ sql: (p) => `namespace = ${p}`, value: q.namespace });
  if (q.rootCauseType) filters.push({ sql: (p) => `root_cause_type = ${p}`, value: q.rootCauseType });
  if (q.namespaces) filters.push({ sql: (p) => `namespace = ANY(${p}::text[])`, value: [...q.namespaces] });
  const page = await keysetPage(db, {
    columns: INCIDENT_COLUMNS,
    table: 'incidents',
    timeColumn: 'last_seen',
    filters,
    cursor: q.cursor,
    limit: q.limit,
    maxLimit: 200,
  });
  return { items: page.rows.map(toIncident), nextCursor: page.nextCursor };
}
