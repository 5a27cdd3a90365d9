import { SCOPE_SQL } from '../../clusters/scope.js';
import type { Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';

import type { Embedder } from './embedder.js';
import { detailsOf, type SimilarIncident } from './similar.js';
import { termsOf } from './text.js';
import { realArrayParam, vectorParam, vectorStorage, withNearestSettings } from './vector-storage.js';

/**
 * Search: words and similarity together. Candidates (searchQuery) are, within the caller's
 * namespaces and the filters, the incidents nearest to the query (pgvector's HNSW index) and the
 * most recent sharing a word with it (GIN-indexed terms); each is scored
 * 0.7 · cosine(query, incident) + 0.3 · share of the query's words it contains.
 * Without a usable vector (the embeddings endpoint failed) the word share alone ranks.
 */
export const MAX_SEARCH_CANDIDATES = 2000;
export const NEAREST_SEARCH_K = 64;
export const RECENT_SEARCH_K = 200;
const MIN_SCORE = 0.15;

export interface SearchQuery {
  q: string;
  namespaces: readonly string[] | null;
  namespace?: string;
  rootCauseType?: string;
  status?: 'open' | 'resolved';
  tag?: string;
  since?: Date;
  limit?: number;
}

export interface SearchHit extends SimilarIncident {
  tags: string[];
  /** Share of the query's words the incident contains, 0..1. */
  textMatch: number;
}

/**
 * The SQL of the search candidates. With pgvector: the NEAREST_SEARCH_K nearest to the query's
 * vector through the HNSW index (filters in the same scan, run with NEAREST_SETTINGS) and the
 * RECENT_SEARCH_K most recent sharing a word, both under the filters; without it, the
 * MAX_SEARCH_CANDIDATES most recent sharing a word. The cosine is computed in SQL either way
 * (pgvector's operator, or syntra_cosine over real[]): no vector crosses the wire.
 */
export function searchQuery(
  query: SearchQuery,
  qTerms: string[],
  embedded: { model: string; vector: number[]; pgvector: boolean } | null,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [qTerms];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const filters: string[] = [];
  if (query.namespaces) filters.push(`${SCOPE_SQL} = ANY(${p([...query.namespaces])}::text[])`);
  if (query.namespace) filters.push(`namespace = ${p(query.namespace)}`);
  if (query.rootCauseType) filters.push(`root_cause_type = ${p(query.rootCauseType)}`);
  if (query.status) filters.push(`status = ${p(query.status)}`);
  if (query.tag) filters.push(`${p(query.tag)} = ANY(tags)`);
  if (query.since) filters.push(`last_seen >= ${p(query.since.toISOString())}::timestamptz`);
  const and = filters.map((f) => ` AND ${f}`).join('');
  const columns = (cos: string) => `SELECT id::text AS id, ${cos} AS cos, root_cause_correct, terms, tags FROM incidents`;
  if (!embedded) return { sql: `${columns('NULL::float8')} WHERE terms && $1::text[]${and} ORDER BY last_seen DESC, id DESC LIMIT ${MAX_SEARCH_CANDIDATES}`, params };
  const d = embedded.vector.length;
  const sameVector = `embedding_model = ${p(embedded.model)} AND embedding_dims = ${d}`;
  if (!embedded.pgvector) {
    const cos = `CASE WHEN ${sameVector} THEN syntra_cosine(embedding, ${p(realArrayParam(embedded.vector))}::real[]) END`;
    return { sql: `${columns(cos)} WHERE terms && $1::text[]${and} ORDER BY last_seen DESC, id DESC LIMIT ${MAX_SEARCH_CANDIDATES}`, params };
  }
  const qv = `${p(vectorParam(embedded.vector))}::vector(${d})`;
  const sql = `WITH near AS (SELECT id FROM incidents WHERE ${sameVector}${and} ORDER BY embedding_vec::vector(${d}) <=> ${qv} LIMIT ${NEAREST_SEARCH_K}),
              recent AS (SELECT id FROM incidents WHERE terms && $1::text[]${and} ORDER BY last_seen DESC, id DESC LIMIT ${RECENT_SEARCH_K})
         ${columns(`CASE WHEN ${sameVector} THEN 1 - (embedding_vec::vector(${d}) <=> ${qv}) END`)}
          WHERE id IN (SELECT id FROM near UNION SELECT id FROM recent)`;
  return { sql, params };
}

export async function searchIncidents(db: Queryable, embedder: Embedder, query: SearchQuery): Promise<{ items: SearchHit[]; method: 'hybrid' | 'text' }> {
  const qTerms = termsOf(query.q);
  if (!qTerms.length) {
    throw new SyntraError('validation_failed', `"${query.q.slice(0, 100)}" has no searchable words: describe the symptom, e.g. "connection refused postgres"`, { details: { field: 'q' } });
  }
  let vector: number[] | null = null;
  try {
    vector = (await embedder.embed([query.q]))[0] ?? null;
  } catch {
    vector = null;
  }
  const pgvector = vector !== null && (await vectorStorage(db)).kind === 'pgvector';
  const { sql, params } = searchQuery(query, qTerms, vector && { model: embedder.model, vector, pgvector });
  const read = (on: Queryable) => on.query<{ id: string; cos: number | null; root_cause_correct: boolean | null; terms: string[] | null; tags: string[] | null }>(sql, params);
  const res = pgvector ? await withNearestSettings(db, read) : await read(db);
  const wanted = new Set(qTerms);
  const scored = res.rows.map((row) => {
    const textMatch = (row.terms ?? []).filter((t) => wanted.has(t)).length / wanted.size;
    const sim = Math.max(0, Number(row.cos ?? 0));
    let score = vector ? 0.7 * sim + 0.3 * textMatch : textMatch;
    if (row.root_cause_correct === false) score *= 0.5;
    return { id: row.id, score, textMatch, tags: row.tags ?? [] };
  });
  const chosen = scored
    .filter((h) => h.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score)
    .slice(0, query.limit ?? 10);
  const items = (await detailsOf(db, chosen)).map(({ chosen: c, similar }) => ({ ...similar, tags: c.tags, textMatch: Math.round(c.textMatch * 100) / 100 }));
  return { items, method: vector ? 'hybrid' : 'text' };
}
