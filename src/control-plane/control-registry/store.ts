import type { Database, Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';
import { builtinState } from './defaults.js';
import { applyChange, replay, type ChangeSpec, type ControlChange } from './fold.js';
import type { ChangeMeta } from './schemas.js';
import type { ControlState } from './state.js';

/**
 * SQL for the control registry. Every write takes one transaction-scoped advisory lock, so
 * versions are assigned gap-free in commit order; the change row, its materialised state and
 * the outbox row that broadcasts it commit together or not at all.
 */

// Arbitrary constant shared by every Syntra process (migrations use …001).
const CONTROL_WRITE_LOCK = 7_042_031_004;

/**
 * Bus subject announcing a committed control change (payload `{version}`), under the
 * `syntra.ctrl.>` family of src/bus/subjects.ts. As for every outbox row, the topic is the
 * subject the relay publishes it on.
 */
export const CONTROL_CHANGED_SUBJECT = 'syntra.ctrl.changed';
export const CONTROL_CHANGED_TOPIC = CONTROL_CHANGED_SUBJECT;

interface ChangeRow {
  id: string;
  version: number;
  entity_type: ControlChange['entityType'];
  entity_name: string;
  action: ControlChange['action'];
  payload: Record<string, unknown>;
  actor: string;
  reason: string;
  created_at: Date | string;
}

export const CHANGE_COLUMNS = 'id::text AS id, version, entity_type, entity_name, action, payload, actor, reason, created_at';

export function toChange(row: ChangeRow): ControlChange {
  return {
    id: row.id,
    version: Number(row.version),
    entityType: row.entity_type,
    entityName: row.entity_name,
    action: row.action,
    payload: row.payload,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : new Date(row.created_at).toISOString(),
  };
}

export async function currentVersion(db: Queryable): Promise<number> {
  const res = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM control_change');
  return Number(res.rows[0]?.v ?? 0);
}

/**
 * The full state at `version` (0 = built-ins). Reads the materialised row; if that cache row is
 * missing it rebuilds it from the log, so the log alone is always enough.
 */
export async function loadState(db: Queryable, version: number): Promise<ControlState> {
  if (version === 0) return builtinState();
  const res = await db.query<{ state: ControlState }>('SELECT state FROM control_snapshot WHERE version = $1', [version]);
  const row = res.rows[0];
  if (row) return row.state;
  const exists = await db.query('SELECT 1 FROM control_change WHERE version = $1', [version]);
  if (exists.rowCount === 0) throw new SyntraError('not_found', `control version ${version} does not exist`);
  const history = await db.query<ChangeRow>(`SELECT ${CHANGE_COLUMNS} FROM control_change WHERE version <= $1 ORDER BY version`, [version]);
  const state = replay(history.rows.map(toChange)).get(version);
  if (!state) throw new SyntraError('internal', `control version ${version} could not be rebuilt`);
  return state;
}

/**
 * A write: under the lock, read the head state, let `plan` turn it into a change (it validates
 * against the current state and may throw), fold it, and append change + state + outbox row.
 */
export async function appendChange(
  db: Database,
  meta: ChangeMeta,
  plan: (head: ControlState, headVersion: number, tx: Queryable) => Promise<ChangeSpec> | ChangeSpec,
  checkResult?: (next: ControlState, change: ChangeSpec) => void,
  afterAppend?: (tx: Queryable, change: ControlChange) => Promise<void>,
): Promise<{ change: ControlChange; state: ControlState }> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CONTROL_WRITE_LOCK]);
    const headVersion = await currentVersion(tx);
    const head = await loadState(tx, headVersion);
    const spec = await plan(head, headVersion, tx);
    // Rollback targets are loaded before the fold, which is synchronous.
    const rollbackTarget = spec.entityType === 'rollback' ? await loadState(tx, spec.payload.toVersion) : undefined;
    const next = applyChange(head, spec, () => {
      if (!rollbackTarget) throw new Error('rollback target not loaded');
      return rollbackTarget;
    });
    checkResult?.(next, spec);
    const version = headVersion + 1;
    const inserted = await tx.query<ChangeRow>(
      `INSERT INTO control_change (version, entity_type, entity_name, action, payload, actor, reason)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING ${CHANGE_COLUMNS}`,
      [version, spec.entityType, spec.entityName, spec.action, JSON.stringify(spec.payload), meta.actor, meta.reason],
    );
    await tx.query('INSERT INTO control_snapshot (version, state) VALUES ($1, $2::jsonb)', [version, JSON.stringify(next)]);
    await tx.query('INSERT INTO outbox (topic, payload) VALUES ($1, $2::jsonb)', [CONTROL_CHANGED_TOPIC, JSON.stringify({ version })]);
    const change = toChange(inserted.rows[0]!);
    await afterAppend?.(tx, change);
    return { change, state: next };
  });
}
