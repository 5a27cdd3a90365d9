import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { isUuid, jsonParam, toDate, toDateOrNull } from '../db/sql-values.js';
import type { RootCauseType } from '../domain/diagnosis.js';
import { redactDeep } from '../domain/secrets/index.js';
import { learnDocument } from './memory/document-frequencies.js';
import { isZero, type Embedder } from './memory/embedder.js';
import { entitiesOf } from './memory/entities.js';
import { memoryText } from './memory/document.js';
import { TfidfEmbedder } from './memory/tfidf-embedder.js';
import { maskText, termsOf } from './memory/text.js';
import { realArrayParam } from './memory/vector-storage.js';
import {
  diagnosisTags,
  incidentFingerprint,
  RECURRENCE_WINDOW_DAYS,
  incidentTitle,
  symptomsOf,
  type Incident,
  type IncidentObservation,
  type IncidentStatus,
} from './incident.js';

/**
 * Writing incidents. An upsert by fingerprint, in one transaction, linked to the run through
 * incident_runs: a report step that is retried after it already recorded its run changes the
 * fields but never counts the occurrence twice.
 */
export const INCIDENT_COLUMNS = `id::text AS id, fingerprint, namespace, cluster, title, status, root_cause_type, summary, confidence,
  symptoms, affected_resources, remediation, occurrences, first_seen, last_seen, resolved_at, last_run_id::text AS last_run_id,
  tags, remediation_verified, root_cause_correct, last_fix, last_fix_at,
  (SELECT count(*)::int FROM incident_runs ir WHERE ir.incident_id = incidents.id
     AND ir.created_at > now() - make_interval(days => ${RECURRENCE_WINDOW_DAYS})) AS recent_occurrences`;

export function toIncident(r: Record<string, unknown>): Incident {
  return {
    id: String(r.id),
    fingerprint: String(r.fingerprint),
    namespace: (r.namespace as string | null) ?? null,
    cluster: (r.cluster as string | null) ?? null,
    title: String(r.title),
    status: r.status as IncidentStatus,
    rootCauseType: r.root_cause_type as RootCauseType,
    summary: String(r.summary),
    confidence: Number(r.confidence),
    symptoms: r.symptoms as Incident['symptoms'],
    affectedResources: r.affected_resources as Incident['affectedResources'],
    remediation: r.remediation as Incident['remediation'],
    occurrences: Number(r.occurrences),
    firstSeen: toDate(r.first_seen),
    lastSeen: toDate(r.last_seen),
    resolvedAt: toDateOrNull(r.resolved_at),
    lastRunId: (r.last_run_id as string | null) ?? null,
    tags: (r.tags as string[] | null) ?? [],
    remediationVerified: (r.remediation_verified as boolean | null) ?? null,
    rootCauseCorrect: (r.root_cause_correct as boolean | null) ?? null,
    lastFix: (r.last_fix as string | null) ?? null,
    lastFixAt: toDateOrNull(r.last_fix_at),
    recentOccurrences: Number(r.recent_occurrences ?? 0),
  };
}

export interface UpsertResult {
  incident: Incident;
  /** true when this observation opened a new incident. */
  created: boolean;
}

/**
 * The embedding of a memory text, or none when the embedder fails (an unreachable embeddings
 * endpoint never fails the run: the incident is stored, and re-embedded later, see reembedStale).
 */
async function embedOrNull(embedder: Embedder, text: string): Promise<{ vector: number[] | null; model: string | null; documents: number | null }> {
  try {
    const [[vector], documents] = await Promise.all([embedder.embed([text]), embedder.documents?.() ?? null]);
    // A text with nothing to embed (an unknown cause quoting no evidence) gets no vector, but counts as embedded.
    return { vector: vector && !isZero(vector) ? vector : null, model: vector ? embedder.model : null, documents };
  } catch {
    return { vector: null, model: null, documents: null };
  }
}

export async function upsertIncident(db: Database, o: IncidentObservation, options: { embedder?: Embedder } = {}): Promise<UpsertResult> {
  if (!isUuid(o.runId)) throw new SyntraError('validation_failed', `run id ${o.runId} is not a uuid`);
  const d = o.diagnosis;
  // Nothing unmasked enters the memory: summary, symptoms, resources and remediation are masked here.
  const text = memoryText(d, o.evidence);
  const { vector, model, documents } = await embedOrNull(options.embedder ?? TfidfEmbedder.of(db), text);
  const fields = [
    maskText(incidentTitle(o)),
    d.root_cause.type,
    maskText(d.root_cause.summary),
    Math.min(1, Math.max(0, d.root_cause.confidence)),
    jsonParam(symptomsOf(d).map(maskText)),
    jsonParam(redactDeep(d.affected_resources).value),
    jsonParam(redactDeep(d.remediation).value),
    text,
    termsOf(text),
    vector ? realArrayParam(vector) : null,
    model,
    documents,
    entitiesOf(redactDeep(d).value, (o.evidence ?? []).map(maskText)),
    diagnosisTags(d),
  ];
  return db.transaction(async (tx) => {
    // The incident is in the run's cluster; the same problem in two clusters is two incidents.
    const cluster = (await tx.query<{ cluster: string | null }>(`SELECT cluster FROM runs WHERE id = $1`, [o.runId])).rows[0]?.cluster ?? null;
    const fingerprint = cluster === null ? incidentFingerprint(o) : `${cluster}/${incidentFingerprint(o)}`;
    const inserted = await tx.query(
      `INSERT INTO incidents (fingerprint, namespace, title, root_cause_type, summary, confidence, symptoms, affected_resources, remediation,
                             memory_text, terms, embedding, embedding_model, embedding_docs, entities, tags, last_run_id, features_learned, cluster)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11::text[], $12::real[], $13, $14, $15::text[], $16::text[], $17, true, $18)
       ON CONFLICT (fingerprint) DO NOTHING RETURNING id::text AS id`,
      [fingerprint, o.namespace, ...fields, o.runId, cluster],
    );
    if (inserted.rows[0]) {
      const id = String((inserted.rows[0] as { id: string }).id);
      // The embedder learns its document frequencies from the incidents themselves.
      await learnDocument(tx, null, text);
      await linkRun(tx, id, o.runId);
      const row = await tx.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id]);
      return { incident: toIncident(row.rows[0]!), created: true };
    }
    const existing = await tx.query<{ id: string; memory_text: string; features_learned: boolean }>(
      `SELECT id::text AS id, memory_text, features_learned FROM incidents WHERE fingerprint = $1 FOR UPDATE`,
      [fingerprint],
    );
    const { id, memory_text: before, features_learned: learned } = existing.rows[0]!;
    await learnDocument(tx, learned ? before : null, text);
    const newRun = await linkRun(tx, id, o.runId);
    // Hand-made tags stay; the diagnosis's are added.
    await tx.query(
      `UPDATE incidents SET title = $2, root_cause_type = $3, summary = $4, confidence = $5, symptoms = $6::jsonb,
              affected_resources = $7::jsonb, remediation = $8::jsonb, memory_text = $9, terms = $10::text[],
              embedding = $11::real[], embedding_model = $12, embedding_docs = $13, entities = $14::text[],
              tags = ARRAY(SELECT DISTINCT t FROM unnest(tags || $15::text[]) AS t ORDER BY t),
              last_run_id = $16, status = 'open', resolved_at = NULL, features_learned = true,
              summarised_at = NULL, summarised_counts = NULL,
              occurrences = occurrences + CASE WHEN $17 THEN 1 ELSE 0 END,
              last_seen = CASE WHEN $17 THEN now() ELSE last_seen END
        WHERE id = $1`,
      [id, ...fields, o.runId, newRun],
    );
    const row = await tx.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id]);
    return { incident: toIncident(row.rows[0]!), created: false };
  });
}

async function linkRun(tx: Queryable, incidentId: string, runId: string): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO incident_runs (incident_id, run_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING incident_id`,
    [incidentId, runId],
  );
  return res.rows.length > 0;
}

/**
 * A run found the subject healthy: its open incidents are resolved (they stay in memory, and a
 * later recurrence reopens the same record).
 */
export async function resolveIncidentsOf(
  db: Database,
  o: { namespace: string | null; subject: { kind: string; name: string }; runId: string },
): Promise<string[]> {
  const prefix = `${o.namespace ?? '-'}|${o.subject.kind}/${o.subject.name}|`;
  const res = await db.query<{ id: string }>(
    `UPDATE incidents SET status = 'resolved', resolved_at = now(), last_run_id = $2
      WHERE status = 'open' AND starts_with(fingerprint, $1) RETURNING id::text AS id`,
    [prefix, o.runId],
  );
  return res.rows.map((r) => r.id);
}
