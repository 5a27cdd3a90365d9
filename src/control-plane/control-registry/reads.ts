import type { Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';
import type { ControlChange } from './fold.js';
import { ENTITY_TYPES, type EntityType } from './schemas.js';
import { toSnapshot, type ControlSnapshot } from './state.js';
import { CHANGE_COLUMNS, currentVersion, loadState, toChange } from './store.js';

/** Reading the registry: the effective snapshot at a version, and the change history. */

/** The snapshot at `version`, or the latest when omitted. Unknown version → not_found. */
export async function getSnapshot(db: Queryable, options: { version?: number | undefined } = {}): Promise<ControlSnapshot> {
  const { version } = options;
  if (version !== undefined && (!Number.isInteger(version) || version < 0)) {
    throw new SyntraError('validation_failed', `control version must be a non-negative integer, got ${version}`);
  }
  const v = version ?? (await currentVersion(db));
  return toSnapshot(v, await loadState(db, v));
}

export interface HistoryPage {
  /** Newest first. */
  items: ControlChange[];
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

export const MAX_HISTORY_LIMIT = 200;

/** The change log, newest first, optionally of one entity type. The cursor is the last version seen. */
export async function history(
  db: Queryable,
  options: { entityType?: EntityType | undefined; limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<HistoryPage> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
    throw new SyntraError('validation_failed', `limit must be an integer between 1 and ${MAX_HISTORY_LIMIT}`);
  }
  if (options.entityType !== undefined && !ENTITY_TYPES.includes(options.entityType)) {
    throw new SyntraError('validation_failed', `entityType must be one of ${ENTITY_TYPES.join(', ')}`);
  }
  let before: number | null = null;
  if (options.cursor !== undefined) {
    // A version is a PostgreSQL integer: ten digits may still be out of its range.
    if (!/^[1-9][0-9]{0,9}$/.test(options.cursor) || Number(options.cursor) > 2_147_483_647) throw new SyntraError('validation_failed', 'cursor is not a history cursor');
    before = Number(options.cursor);
  }
  const res = await db.query<Parameters<typeof toChange>[0]>(
    `SELECT ${CHANGE_COLUMNS} FROM control_change
      WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::int IS NULL OR version < $2)
      ORDER BY version DESC LIMIT $3`,
    [options.entityType ?? null, before, limit + 1],
  );
  const items = res.rows.slice(0, limit).map(toChange);
  const more = res.rows.length > limit;
  return more ? { items, nextCursor: String(items[items.length - 1]!.version) } : { items };
}

export { currentVersion };
