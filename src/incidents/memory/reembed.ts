import type { Queryable } from '../../db/database.js';
import type { Embedder } from './embedder.js';
import { encodeVector } from './vector-codec.js';

/**
 * Incidents whose vector was made by another model (the embeddings setting changed) or not
 * made at all (the endpoint was down) are embedded again, a batch at a time; until then they
 * are found by their root-cause type, words and structure only.
 */
export async function reembedStale(db: Queryable, embedder: Embedder, batch = 32, signal?: AbortSignal): Promise<number> {
  const res = await db.query<{ id: string; memory_text: string }>(
    `SELECT id::text AS id, memory_text FROM incidents
      WHERE embedding_model IS DISTINCT FROM $1 AND memory_text <> '' ORDER BY last_seen DESC LIMIT $2`,
    [embedder.model, batch],
  );
  if (!res.rows.length) return 0;
  const vectors = await embedder.embed(res.rows.map((r) => r.memory_text), signal);
  for (const [i, r] of res.rows.entries()) {
    await db.query(`UPDATE incidents SET embedding = $2, embedding_model = $3 WHERE id = $1`, [r.id, encodeVector(vectors[i]!), embedder.model]);
  }
  return res.rows.length;
}
