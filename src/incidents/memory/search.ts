import { SCOPE_SQL } from '../../clusters/scope.js';
import type { Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';

import type { Embedder } from './embedder.js';
import { detailsOf, type SimilarIncident } from './similar.js';
import { termsOf } from './text.js';
import { realArrayParam, vectorParam, vectorStorage } from './vector-storage.js';

/**
 * Search: words and similarity together. Candidates are the incidents sharing at least one
 * word with the query (GIN-indexed terms), within the caller's namespaces and the filters,
 * most recently seen first, at most MAX_SEARCH_CANDIDATES; each is scored
 * 0.7 · cosine(query, incident) + 0.3 · share of the query's words it contains.
 * Without a usable vector (the embeddings endpoint failed) the word share alone ranks.
 */
export const MAX_SEARCH_CANDIDATES = 2000;
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
  const params: unknown[] = [qTerms, MAX_SEARCH_CANDIDATES];
  const where = ['terms && $1::text[]'];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (query.namespaces) add((p) => `${SCOPE_SQL} = ANY(${p}::text[])`, [...query.namespaces]);
  if (query.namespace) add((p) => `namespace = ${p}`, query.namespace);
  if (query.rootCauseType) add((p) => `root_cause_type = ${p}`, query.rootCauseType);
  if (query.status) add((p) => `status = ${p}`, query.status);
  if (query.tag) add((p) => `${p} = ANY(tags)`, query.tag);
  if (query.since) add((p) => `last_seen >= ${p}::timestamptz`, query.since.toISOString());
  // The cosine is computed in SQL (pgvector's operator, or syntra_cosine over real[]): no vector crosses the wire.
  let cos = 'NULL::float8';
  if (vector) {
    const d = vector.length;
    const pgvector = (await vectorStorage(db)).kind === 'pgvector';
    params.push(embedder.model, pgvector ? vectorParam(vector) : realArrayParam(vector));
    const [m, v] = [`$${params.length - 1}`, `$${params.length}`];
    cos = `CASE WHEN embedding_model = ${m} AND embedding_dims = ${d} THEN ${pgvector ? `1 - (embedding_vec::vector(${d}) <=> ${v}::vector(${d}))` : `syntra_cosine(embedding, ${v}::real[])`} END`;
  }
  const res = await db.query<{ id: string; cos: number | null; root_cause_correct: boolean | null; terms: string[] | null; tags: string[] | null }>(
    `SELECT id::text AS id, ${cos} AS cos, root_cause_correct, terms, tags
       FROM incidents WHERE ${where.join(' AND ')} ORDER BY last_seen DESC, id DESC LIMIT $2`,
    params,
  );
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
