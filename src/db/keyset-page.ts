import { SyntraError } from '../domain/errors.js';
import type { Queryable } from './database.js';
import { isUuid } from './sql-values.js';

/**
 * Newest-first listings, keyset-paginated on (a timestamptz column, id): a page never skips or
 * repeats a row while rows are being added, which OFFSET cannot promise. The opaque cursor is
 * the last row's time in whole microseconds (what PostgreSQL stores; a JS Date would drop the
 * last three digits and skip or repeat rows) and its id, as base64url JSON.
 */
export interface KeysetCursor {
  micros: number;
  id: string;
}

export function encodeKeysetCursor(c: KeysetCursor): string {
  return Buffer.from(JSON.stringify([c.micros, c.id])).toString('base64url');
}

export function decodeKeysetCursor(cursor: string): KeysetCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && isUuid(parsed[1])) {
      return { micros: parsed[0] as number, id: parsed[1] as string };
    }
  } catch {
    // fall through to the one error below
  }
  throw new SyntraError('bad_request', 'cursor is not one this server issued', { details: { field: 'cursor' } });
}

/** One WHERE condition; `sql` gets the placeholder (`$3`) that `value` is bound to. */
export interface KeysetFilter {
  sql: (placeholder: string) => string;
  value: unknown;
}

export interface KeysetPageQuery {
  /** The select list, e.g. RUN_COLUMNS. */
  columns: string;
  table: string;
  /** The timestamptz column rows are ordered by, newest first; ties are broken by `id`. */
  timeColumn: string;
  filters: readonly KeysetFilter[];
  /** nextCursor of the previous page. */
  cursor?: string | undefined;
  /** Clamped to [1, maxLimit]. */
  limit: number;
  maxLimit: number;
}

export interface KeysetPage {
  rows: Record<string, unknown>[];
  /** null on the last page. */
  nextCursor: string | null;
}

export async function keysetPage(db: Queryable, q: KeysetPageQuery): Promise<KeysetPage> {
  const limit = Math.min(Math.max(Math.trunc(q.limit) || 1, 1), q.maxLimit);
  const where: string[] = [];
  const params: unknown[] = [];
  for (const f of q.filters) {
    params.push(f.value);
    where.push(f.sql(`$${params.length}`));
  }
  if (q.cursor) {
    const c = decodeKeysetCursor(q.cursor);
    params.push(c.micros, c.id);
    where.push(
      `(${q.timeColumn}, id) < (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::uuid)`,
    );
  }
  // One row more than asked tells whether there is a next page.
  params.push(limit + 1);
  const res = await db.query(
    `SELECT ${q.columns}, (extract(epoch FROM ${q.timeColumn}) * 1000000)::bigint AS keyset_micros
       FROM ${q.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${q.timeColumn} DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const rows = res.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  const nextCursor = res.rows.length > limit && last ? encodeKeysetCursor({ micros: Number(last.keyset_micros), id: String(last.id) }) : null;
  return { rows, nextCursor };
}
