import type { Database } from '../../db/database.js';
import { learnDocument } from './document-frequencies.js';
import { isZero, type Embedder } from './embedder.js';
import { realArrayParam } from './vector-storage.js';

/**
 * Background upkeep of the memory's vectors, a batch at a time:
 * 1. incidents whose features were never counted (remembered before migration 011) are learned;
 * 2. incidents whose vector was not made (the endpoint was down, retention summarised it), or by another model (the
 *    embeddings setting changed), or — for an embedder that learns from the memory — was made when
 *    the memory held fewer than 1/STALE_GROWTH of the incidents it holds now, are embedded again.
 * Until then they are found by their root-cause type, words and structure only.
 * Returns how many incidents were re-embedded.
 */
export const STALE_GROWTH = 1.5;

export async function reembedStale(db: Database, embedder: Embedder, batch = 32, signal?: AbortSignal): Promise<number> {
  const unlearned = await db.query<{ id: string }>(`SELECT id::text AS id FROM incidents WHERE NOT features_learned ORDER BY last_seen DESC LIMIT $1`, [batch]);
  for (const { id } of unlearned.rows) {
    await db.transaction(async (tx) => {
      const row = (await tx.query<{ memory_text: string; features_learned: boolean }>(`SELECT memory_text, features_learned FROM incidents WHERE id = $1 FOR UPDATE`, [id])).rows[0];
      if (!row || row.features_learned) return;
      await learnDocument(tx, null, row.memory_text);
      await tx.query(`UPDATE incidents SET features_learned = true WHERE id = $1`, [id]);
    });
  }
  const documents = (await embedder.documents?.()) ?? null;
  const res = await db.query<{ id: string; memory_text: string }>(
    `SELECT id::text AS id, memory_text FROM incidents
      WHERE (embedding_model IS DISTINCT FROM $1
             OR ($3::int IS NOT NULL AND coalesce(embedding_docs, 0) * $4::float8 < $3::int))
      ORDER BY last_seen DESC LIMIT $2`,
    [embedder.model, batch, documents, STALE_GROWTH],
  );
  if (!res.rows.length) return 0;
  const vectors = await embedder.embed(res.rows.map((r) => r.memory_text), signal);
  for (const [i, r] of res.rows.entries()) {
    const v = vectors[i]!;
    await db.query(`UPDATE incidents SET embedding = $2::real[], embedding_model = $3, embedding_docs = $4 WHERE id = $1`, [r.id, isZero(v) ? null : realArrayParam(v), embedder.model, documents]);
  }
  return res.rows.length;
}
