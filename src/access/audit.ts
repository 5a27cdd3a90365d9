import type { Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import type { Principal } from './principal.js';

/**
 * The audit trail: append-only, who did what to which target, from where, with what result.
 * Details are scrubbed of anything that looks like a secret before they are stored.
 */
export type AuditResult = 'ok' | 'denied' | 'failed';
export type ActorType = 'user' | 'key' | 'anonymous' | 'system';

export interface AuditEntry {
  actorType: ActorType;
  actorId?: string | null;
  action: string;
  target?: string | null;
  namespace?: string | null;
  ip?: string | null;
  result: AuditResult;
  details?: Record<string, unknown>;
}

export interface AuditEvent extends Required<Omit<AuditEntry, 'details'>> {
  id: string;
  at: Date;
  details: Record<string, unknown>;
}

const SECRET_FIELD = /pass(word)?|secret|token|api[-_]?key|^key$|authorization|cookie|hash/i;

/** Drops fields whose names suggest secrets and any string that looks like one of our credentials. */
export function scrubDetails(value: unknown, depth = 0): unknown {
  if (depth > 5) return '[deep]';
  if (typeof value === 'string') return /\b(sk_(live|test|admin|worker)_|rt_)[A-Za-z0-9_-]{8,}|^ey[A-Za-z0-9_-]+\.ey/.test(value) ? '[redacted]' : value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrubDetails(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : scrubDetails(v, depth + 1);
    return out;
  }
  return value;
}

export function actorOf(principal: Pick<Principal, 'type' | 'id'> | null): { actorType: ActorType; actorId: string | null } {
  return principal ? { actorType: principal.type, actorId: principal.id } : { actorType: 'anonymous', actorId: null };
}

export async function appendAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (actor_type, actor_id, action, target, namespace, ip, result, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.actorType,
      entry.actorId ?? null,
      entry.action,
      entry.target ?? null,
      entry.namespace ?? null,
      entry.ip ?? null,
      entry.result,
      JSON.stringify(scrubDetails(entry.details ?? {})),
    ],
  );
}

export interface AuditQuery {
  actorId?: string;
  actorType?: ActorType;
  /** Exact action, or a prefix ending in `*` (e.g. `auth.*`). */
  action?: string;
  result?: AuditResult;
  target?: string;
  since?: Date;
  until?: Date;
  limit?: number;
  cursor?: string;
  /**
   * For a namespace-limited reader: only events in these namespaces, plus the reader's own
   * actions (`ownActorIds`). Tenant-wide events — logins, key and user changes, control-registry
   * changes of others — stay with callers that may see every namespace.
   */
  visibleTo?: { namespaces: readonly string[]; ownActorIds: readonly string[] };
}

interface AuditRow {
  id: string;
  at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  action: string;
  target: string | null;
  namespace: string | null;
  ip: string | null;
  result: AuditResult;
  details: Record<string, unknown>;
}

const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new SyntraError('bad_request', 'invalid cursor');
  return id;
}

/** Newest first; `nextCursor` continues after the last event returned. Ids are time-sortable (UUIDv7). */
export async function listAudit(db: Queryable, q: AuditQuery = {}): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const action = q.action?.endsWith('*') ? { prefix: q.action.slice(0, -1), exact: null } : { prefix: null, exact: q.action ?? null };
  const res = await db.query<AuditRow>(
    `SELECT id, at, actor_type, actor_id, action, target, namespace, ip, result, details FROM audit_events
     WHERE ($1::text IS NULL OR actor_id = $1) AND ($2::text IS NULL OR actor_type = $2)
       AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR starts_with(action, $4))
       AND ($5::text IS NULL OR result = $5) AND ($6::text IS NULL OR target = $6)
       AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8)
       AND ($9::uuid IS NULL OR id < $9::uuid)
       AND ($11::text[] IS NULL OR namespace = ANY($11::text[]) OR actor_id = ANY($12::text[]))
     ORDER BY id DESC LIMIT $10`,
    [
      q.actorId ?? null,
      q.actorType ?? null,
      action.exact,
      action.prefix,
      q.result ?? null,
      q.target ?? null,
      q.since ?? null,
      q.until ?? null,
      q.cursor ? decodeCursor(q.cursor) : null,
      limit + 1,
      q.visibleTo ? [...q.visibleTo.namespaces] : null,
      q.visibleTo ? [...q.visibleTo.ownActorIds] : [],
    ],
  );
  const rows = res.rows.slice(0, limit);
  const events = rows.map(
    (r): AuditEvent => ({
      id: r.id,
      at: new Date(r.at),
      actorType: r.actor_type,
      actorId: r.actor_id,
      action: r.action,
      target: r.target,
      namespace: r.namespace,
      ip: r.ip,
      result: r.result,
      details: r.details ?? {},
    }),
  );
  return { events, nextCursor: res.rows.length > limit ? encodeCursor(rows[rows.length - 1]!.id) : null };
}
