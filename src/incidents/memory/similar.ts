import { SCOPE_SQL } from '../../clusters/scope.js';
import type { Queryable } from '../../db/database.js';
import { toDate } from '../../db/sql-values.js';
import type { Remediation, ResourceRef } from '../../domain/diagnosis.js';
import { cosine } from './embedder.js';
import { decodeVector } from './vector-codec.js';

/**
 * Similar past incidents. Candidates are bounded in SQL (the caller's namespaces; same
 * root-cause type or at least one shared prefilter term via the GIN index; the most recently
 * seen MAX_CANDIDATES of those), then scored here from their vectors (float32 bytes), identically
 * on PGlite and PostgreSQL:
 *
 *   score = 0.55 · cosine(text embeddings) + 0.25 · same root-cause type
 *         + 0.10 · same workload + 0.10 · shared affected resources (dependency host, service, image)
 *
 * A root cause feedback called wrong halves the score. The best `limit` above MIN_SIMILARITY
 * are returned with incidents whose fix was verified first.
 */
export const MAX_CANDIDATES = 2000;
export const MIN_SIMILARITY = 0.3;

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
  affectedResources: ResourceRef[];
  terms: string[];
  embedding: Float32Array | number[] | null;
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
const resourceKey = (r: ResourceRef) => `${r.kind.toLowerCase()}/${r.name.toLowerCase()}`;

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

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
  affected_resources: ResourceRef[] | null;
  embedding: unknown;
  embedding_model: string | null;
  remediation_verified: boolean | null;
  root_cause_correct: boolean | null;
}

export async function findSimilar(db: Queryable, probe: SimilarProbe, q: SimilarQuery): Promise<SimilarIncident[]> {
  const params: unknown[] = [probe.rootCauseType, probe.terms, MAX_CANDIDATES];
  const where = [`(root_cause_type = $1 OR terms && $2::text[])`];
  if (q.namespaces) {
    params.push([...q.namespaces]);
    where.push(`${SCOPE_SQL} = ANY($${params.length}::text[])`);
  }
  if (q.excludeId && q.excludeId !== q.pastSelfId) {
    params.push(q.excludeId);
    where.push(`id <> $${params.length}::uuid`);
  }
  // Only what scoring needs; the few shown are read in full afterwards.
  const res = await db.query<CandidateRow>(
    `SELECT id::text AS id, fingerprint, root_cause_type, affected_resources, embedding, embedding_model, remediation_verified, root_cause_correct
       FROM incidents WHERE ${where.join(' AND ')} ORDER BY last_seen DESC, id DESC LIMIT $3`,
    params,
  );
  const mine = new Set(probe.affectedResources.map(resourceKey));
  const scored = res.rows.map((row) => {
    const text = probe.embeddingModel && row.embedding_model === probe.embeddingModel ? Math.max(0, cosine(probe.embedding, decodeVector(row.embedding))) : 0;
    const score =
      row.id === q.pastSelfId
        ? 1
        : 0.55 * text +
          0.25 * Number(row.root_cause_type === probe.rootCauseType) +
          0.1 * Number(probe.workload !== null && workloadOf(row.fingerprint) === probe.workload) +
          0.1 * jaccard(mine, new Set((row.affected_resources ?? []).map(resourceKey)));
    return { id: row.id, score, verified: row.remediation_verified, wrong: row.root_cause_correct === false };
  });
  return (await detailsOf(db, rankAndOrder(scored, q.limit ?? 3, MIN_SIMILARITY))).map((d) => d.similar);
}

/** The probe of a stored incident (its own vector and terms). */
export async function probeOf(db: Queryable, id: string): Promise<SimilarProbe | null> {
  const res = await db.query<{ root_cause_type: string; fingerprint: string; affected_resources: ResourceRef[]; terms: string[]; embedding: unknown; embedding_model: string | null }>(
    `SELECT root_cause_type, fingerprint, affected_resources, terms, embedding, embedding_model FROM incidents WHERE id = $1`,
    [id],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    rootCauseType: r.root_cause_type,
    workload: workloadOf(r.fingerprint),
    affectedResources: r.affected_resources ?? [],
    terms: r.terms ?? [],
    embedding: decodeVector(r.embedding),
    embeddingModel: r.embedding_model,
  };
}
