import { namespaceFilter, type Principal } from '../../access/principal.js';
import type { Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';

/**
 * Ids typed abbreviated: a unique prefix of a run, incident, action or key id resolves to the
 * full id. One row per resource: its table, its noun, and whether the caller's namespaces scope
 * what it may see (another namespace's ids are never matched, so a prefix cannot probe them).
 */
export const ID_RESOURCES = {
  runs: { table: 'runs', noun: 'run', namespaced: true },
  incidents: { table: 'incidents', noun: 'incident', namespaced: true },
  actions: { table: 'action_requests', noun: 'action', namespaced: true },
  keys: { table: 'api_keys', noun: 'API key', namespaced: false },
} as const;

export type IdResource = keyof typeof ID_RESOURCES;

/** At most this many candidates are named in an "ambiguous" error. */
const SHOWN = 5;
const MIN_HEX = 4;

/** The lowest and highest UUID starting with these hex digits (dashes in the prefix are ignored). */
export function prefixRange(prefix: string): [string, string] {
  const hex = prefix.replaceAll('-', '').toLowerCase();
  const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return [uuid(hex.padEnd(32, '0')), uuid(hex.padEnd(32, 'f'))];
}

export async function resolveIdPrefix(db: Queryable, principal: Principal | null, resource: IdResource, prefix: string): Promise<string> {
  const { table, noun, namespaced } = ID_RESOURCES[resource];
  const hex = prefix.replaceAll('-', '');
  if (!/^[0-9a-f]+$/i.test(hex) || hex.length < MIN_HEX || hex.length > 32) {
    throw new SyntraError('validation_failed', `"${prefix}" is not a ${noun} id or a prefix of one: give at least ${MIN_HEX} of its hex digits`, {
      details: { fields: [{ field: 'params.prefix', problem: `must be ${MIN_HEX} to 32 hex digits (dashes allowed)` }] },
    });
  }
  const [low, high] = prefixRange(hex);
  const params: unknown[] = [low, high];
  let scope = '';
  const namespaces = namespaced ? namespaceFilter(principal) : undefined;
  if (namespaces !== undefined) {
    params.push(namespaces);
    scope = ` AND namespace = ANY($3::text[])`;
  }
  // A range on the primary key (not LIKE on its text): an index scan however many rows there are.
  const res = await db.query<{ id: string }>(`SELECT id::text AS id FROM ${table} WHERE id BETWEEN $1::uuid AND $2::uuid${scope} ORDER BY id LIMIT ${SHOWN + 1}`, params);
  const ids = res.rows.map((r) => r.id);
  if (ids.length === 0) throw new SyntraError('not_found', `no ${noun} id starts with ${prefix}`);
  if (ids.length > 1) {
    const more = ids.length > SHOWN ? ', …' : '';
    throw new SyntraError('conflict', `${prefix} is ambiguous: it starts ${ids.length > SHOWN ? `more than ${SHOWN}` : ids.length} ${noun} ids (${ids.slice(0, SHOWN).join(', ')}${more}); give more of the id`, {
      details: { candidates: ids.slice(0, SHOWN) },
    });
  }
  return ids[0]!;
}
