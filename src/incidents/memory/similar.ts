import { SCOPE_SQL } from '../../clusters/scope.js';
import type { Queryable } from '../../db/database.js';
import { toDate } from '../../db/sql-values.js';
import type { Remediation } from '../../domain/diagnosis.js';
import { jaccard } from './entities.js';
import { realArrayParam, vectorParam, vectorStorage, withNearestSettings, type VectorStorage } from './vector-storage.js';

/**
 * Similar past incidents. The candidates come from the vector storage chosen at start
 * (vector-storage.ts): with pgvector, the NEAREST_K nearest by text through the HNSW index plus
 * the TYPED_K most recent of the same root-cause type; without it, the incidents of the same type
 * or sharing a prefilter word (GIN index), the most recent MAX_CANDIDATES. Always within the
 * caller's namespaces. The text cosine is computed in SQL either way; then every candidate is
 * scored here, identically on both paths:
 *
 *   score = 0.55 · cosine(text embeddings) + 0.25 · same root-cause type (a known one)
 *         + 0.10 · same workload + 0.10 · shared entities (resources, dependency hosts, images)
 *
 * A root cause feedback called wrong halves the score. The best `limit` above MIN_SIMILARITY
 * are returned with incidents whose fix was verified first.
 */
export const MAX_CANDIDATES = 2000;
// TF-IDF cosines run lower than raw-count ones (what two texts share in common words counts little): 0.2 keeps a same-cause incident with a wrong root cause (halved) in view.
export const MIN_SIMILARITY = 0.2;
export const NEAREST_K = 64;
export const TYPED_K = 64;
export const WEIGHTS = { text: 0.55, type: 0.25, workload: 0.1, entities: 0.1 } as const;

export interface SimilarIncident {
  id: string;
  title: string;
  namespace: string | null;
  status: string;
  /** 0..1, two decimals. */
  similarity: number;
  firstSeen: Date;
  lastSeen: Date;
  occurrences: number;
  rootCause: { type: string; summary: string; confidence: number; correct: boolean | null };
  fix: { action: string | null; verified: boolean | null };
}

export interface SimilarProbe {
  rootCauseType: string;
  /** "Kind/name" of the subject, as in the fingerprint. */
  workload: string | null;
  entities: string[];
  terms: string[];
  embedding: number[] | null;
  embeddingModel: string | null;
}

export interface SimilarQuery {
  /** Namespace isolation: only these namespaces; null = all. */
  namespaces: readonly string[] | null;
  excludeId?: string;
  /**
   * The incident itself when it was seen before this run: its past occurrence is the most
   * similar past incident there is (similarity 1), shown with its last fix.
   */
  pastSelfId?: string;
  limit?: number;
  /** The storage path to use (tests compare both); default: the one chosen for this database. */
  storage?: VectorStorage;
}

/** What is shown of a similar incident (read for the few that are shown, not for every candidate). */
interface DetailRow {
  id: string;
  title: string;
  namespace: string | null;
  status: string;
  root_cause_type: string;
  summary: string;
  confidence: number;
  remediation: Partial<Remediation>;
  occurrences: number;
  first_seen: unknown;
  last_seen: unknown;
  remediation_verified: boolean | null;
  root_cause_correct: boolean | null;
  last_fix: string | null;
}

const DETAIL_COLUMNS = `id::text AS id, title, namespace, status, root_cause_type, summary, confidence, remediation, occurrences,
  first_seen, last_seen, remediation_verified, root_cause_correct, last_fix`;

const workloadOf = (fingerprint: string) => fingerprint.split('|')[1] ?? null;

export function fixOf(row: { last_fix: string | null; remediation: Partial<Remediation> | null; remediation_verified: boolean | null }): SimilarIncident['fix'] {
  return { action: row.last_fix ?? row.remediation?.immediate?.[0] ?? null, verified: row.remediation_verified };
}

export function toSimilar(row: DetailRow, similarity: number): SimilarIncident {
  return {
    id: row.id,
    title: row.title,
    namespace: row.namespace,
    status: row.status,
    similarity: Math.round(Math.min(1, Math.max(0, similarity)) * 100) / 100,
    firstSeen: toDate(row.first_seen),
    lastSeen: toDate(row.last_seen),
    occurrences: Number(row.occurrences),
    rootCause: { type: row.root_cause_type, summary: row.summary, confidence: Number(row.confidence), correct: row.root_cause_correct },
    fix: fixOf(row),
  };
}

/** Reads what is shown for the chosen ids, in the given order. */
export async function detailsOf<T extends { id: string; score: number }>(db: Queryable, chosen: T[]): Promise<Array<{ chosen: T; similar: SimilarIncident; row: DetailRow }>> {
  if (!chosen.length) return [];
  const res = await db.query<DetailRow>(`SELECT ${DETAIL_COLUMNS} FROM incidents WHERE id = ANY($1::uuid[])`, [chosen.map((c) => c.id)]);
  const byId = new Map(res.rows.map((r) => [r.id, r]));
  return chosen.flatMap((c) => {
    const row = byId.get(c.id);
    return row ? [{ chosen: c, similar: toSimilar(row, c.score), row }] : [];
  });
}

/** Ranking: a wrong root cause halves the score; the top `limit` are then shown verified fixes first. */
export function rankAndOrder<T extends { score: number; verified: boolean | null; wrong: boolean }>(scored: T[], limit: number, min: number): T[] {
  const ranked = scored
    .map((s) => ({ ...s, score: s.wrong ? s.score * 0.5 : s.score }))
    .filter((s) => s.score >= min)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
  return ranked.sort((a, b) => Number(b.verified === true) - Number(a.verified === true) || b.score - a.score);
}

interface CandidateRow {
  id: string;
  fingerprint: string;
  root_cause_type: string;
  entities: string[] | null;
  cos: number | null;
  remediation_verified: boolean | null;
  root_cause_correct: boolean | null;
}

const CANDIDATE_COLUMNS = 'id::text AS id, fingerprint, root_cause_type, entities, remediation_verified, root_cause_correct';

/**
 * The SQL of the candidate rows with their text cosine, for the chosen storage path. On pgvector
 * the nearest are found by `ORDER BY embedding_vec <=> $v LIMIT k` with the filters beside it in
 * one scan of the HNSW index (run with NEAREST_SETTINGS: the scan goes on until k rows pass them).
 */
export function candidateQuery(storage: VectorStorage, probe: SimilarProbe, q: SimilarQuery): { sql: string; params: unknown[]; nearest: boolean } {
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const filters: string[] = [];
  if (q.namespaces) filters.push(`${SCOPE_SQL} = ANY(${p([...q.namespaces])}::text[])`);
  if (q.excludeId && q.excludeId !== q.pastSelfId) filters.push(`id <> ${p(q.excludeId)}::uuid`);
  const and = filters.map((f) => ` AND ${f}`).join('');
  const v = probe.embedding && probe.embeddingModel ? probe.embedding : null;
  const d = v?.length ?? 0;
  const sameVector = v ? `embedding_model = ${p(probe.embeddingModel)} AND embedding_dims = ${d}` : 'false';
  if (storage.kind === 'pgvector' && v) {
    const qv = `${p(vectorParam(v))}::vector(${d})`;
    const type = p(probe.rootCauseType);
    const sql = `WITH near AS (SELECT id FROM incidents WHERE ${sameVector}${and} ORDER BY embedding_vec::vector(${d}) <=> ${qv} LIMIT ${NEAREST_K}),
              typed AS (SELECT id FROM incidents WHERE root_cause_type = ${type}${and} ORDER BY last_seen DESC, id DESC LIMIT ${TYPED_K})
         SELECT ${CANDIDATE_COLUMNS}, CASE WHEN ${sameVector} THEN 1 - (embedding_vec::vector(${d}) <=> ${qv}) END AS cos
           FROM incidents WHERE id IN (SELECT id FROM near UNION SELECT id FROM typed)`;
    return { sql, params, nearest: true };
  }
  const cos = v ? `CASE WHEN ${sameVector} THEN syntra_cosine(embedding, ${p(realArrayParam(v))}::real[]) END` : 'NULL::float8';
  const sql = `SELECT ${CANDIDATE_COLUMNS}, ${cos} AS cos FROM incidents
        WHERE (root_cause_type = ${p(probe.rootCauseType)} OR terms && ${p(probe.terms)}::text[])${and}
        ORDER BY last_seen DESC, id DESC LIMIT ${MAX_CANDIDATES}`;
  return { sql, params, nearest: false };
}

/** The combined score of a candidate for a probe (see the top of this file). */
export function similarityScore(probe: Pick<SimilarProbe, 'rootCauseType' | 'workload' | 'entities'>, c: { cos: number | null; rootCauseType: string; workload: string | null; entities: readonly string[] }): number {
  const known = probe.rootCauseType !== 'unknown';
  const score =
    WEIGHTS.text * Math.max(0, Number.isFinite(Number(c.cos)) ? Number(c.cos) : 0) +
    WEIGHTS.type * Number(known && c.rootCauseType === probe.rootCauseType) +
    WEIGHTS.workload * Number(probe.workload !== null && c.workload === probe.workload) +
    WEIGHTS.entities * jaccard(probe.entities, c.entities);
  // An unknown root cause neither matches nor mismatches a type: the other terms make the whole score.
  return known ? score : score / (1 - WEIGHTS.type);
}

export async function findSimilar(db: Queryable, probe: SimilarProbe, q: SimilarQuery): Promise<SimilarIncident[]> {
  const storage = q.storage ?? (await vectorStorage(db));
  const { sql, params, nearest } = candidateQuery(storage, probe, q);
  const read = (on: Queryable) => on.query<CandidateRow>(sql, params).then((r) => r.rows);
  const rows = nearest ? await withNearestSettings(db, read) : await read(db);
  const scored = rows.map((row) => ({
    id: row.id,
    score: row.id === q.pastSelfId ? 1 : similarityScore(probe, { cos: row.cos, rootCauseType: row.root_cause_type, workload: workloadOf(row.fingerprint), entities: row.entities ?? [] }),
    verified: row.remediation_verified,
    wrong: row.root_cause_correct === false,
  }));
  return (await detailsOf(db, rankAndOrder(scored, q.limit ?? 3, MIN_SIMILARITY))).map((d) => d.similar);
}

/** The probe of a stored incident (its own vector and terms). */
export async function probeOf(db: Queryable, id: string): Promise<SimilarProbe | null> {
  const res = await db.query<{ root_cause_type: string; fingerprint: string; entities: string[] | null; terms: string[]; embedding: number[] | null; embedding_model: string | null }>(
    `SELECT root_cause_type, fingerprint, entities, terms, embedding, embedding_model FROM incidents WHERE id = $1`,
    [id],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    rootCauseType: r.root_cause_type,
    workload: workloadOf(r.fingerprint),
    entities: r.entities ?? [],
    terms: r.terms ?? [],
    embedding: r.embedding ? r.embedding.map(Number) : null,
    embeddingModel: r.embedding ? r.embedding_model : null,
  };
}
