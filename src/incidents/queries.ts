import type { Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { isUuid } from '../control-plane/sql-values.js';
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

interface Cursor {
  lastSeenMicros: number;
  id: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify([c.lastSeenMicros, c.id])).toString('base64url');

function decode(cursor: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && isUuid(v[1])) return { lastSeenMicros: v[0] as number, id: v[1] as string };
  } catch {
    // one error below
  }
  throw new SyntraError('bad_request', 'cursor is not one this server issued', { details: { field: 'cursor' } });
}

export async function listIncidents(db: Queryable, q: ListIncidentsQuery): Promise<{ items: Incident[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(q.limit) || 1, 1), 200);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (q.status) add((p) => `status = ${p}`, q.status);
  if (q.namespace) add((p) => `namespace = ${p}`, q.namespace);
  if (q.rootCauseType) add((p) => `root_cause_type = ${p}`, q.rootCauseType);
  if (q.namespaces) add((p) => `namespace = ANY(${p}::text[])`, [...q.namespaces]);
  if (q.cursor) {
    const c = decode(q.cursor);
    params.push(c.lastSeenMicros, c.id);
    where.push(`(last_seen, id) < (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::uuid)`);
  }
  params.push(limit + 1);
  const res = await db.query(
    `SELECT ${INCIDENT_COLUMNS}, (extract(epoch FROM last_seen) * 1000000)::bigint AS seen_micros
       FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY last_seen DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const rows = res.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  const nextCursor = res.rows.length > limit && last ? encode({ lastSeenMicros: Number(last.seen_micros), id: String(last.id) }) : null;
  return { items: rows.map(toIncident), nextCursor };
}
