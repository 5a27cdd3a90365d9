import type { Queryable } from '../../db/database.js';
import { featureIdsOf } from './features.js';
import type { WordOptions } from './text.js';

/**
 * Document frequencies learned from the incidents themselves (memory_feature_df, migration 011):
 * how many remembered incidents contain each feature, and how many incidents there are. Kept up
 * to date in the transaction that stores an incident's memory text; read by the TF-IDF embedder.
 */
export interface DocumentFrequencies {
  documents: number;
  df: Map<number, number>;
}

export interface FrequencySource {
  frequencies(ids: readonly number[]): Promise<DocumentFrequencies>;
}

export function databaseFrequencies(db: Queryable): FrequencySource {
  return {
    async frequencies(ids) {
      const [docs, rows] = await Promise.all([
        db.query<{ documents: number }>(`SELECT documents FROM memory_corpus`),
        ids.length ? db.query<{ feature: number; df: number }>(`SELECT feature, df FROM memory_feature_df WHERE feature = ANY($1::int[])`, [ids]) : Promise.resolve({ rows: [] }),
      ]);
      return { documents: Number(docs.rows[0]?.documents ?? 0), df: new Map(rows.rows.map((r) => [Number(r.feature), Number(r.df)])) };
    },
  };
}

/** In memory, for a corpus at hand (the benchmark's bulk load, ablations). */
export function countFrequencies(texts: readonly string[], options: WordOptions = {}): DocumentFrequencies {
  const df = new Map<number, number>();
  for (const t of texts) for (const id of featureIdsOf(t, options)) df.set(id, (df.get(id) ?? 0) + 1);
  return { documents: texts.length, df };
}

/**
 * An incident's memory text changed from `before` (null: a new incident) to `after`: the features
 * it lost are counted down, the ones it gained up. Ids are applied in ascending order so two
 * transactions touching the same features lock them in the same order.
 */
export async function learnDocument(tx: Queryable, before: string | null, after: string): Promise<void> {
  const old = new Set(before ? featureIdsOf(before) : []);
  const now = featureIdsOf(after);
  const gained = now.filter((id) => !old.has(id));
  const kept = new Set(now);
  const lost = [...old].filter((id) => !kept.has(id));
  if (before === null) {
    await tx.query(`INSERT INTO memory_corpus (singleton, documents) VALUES (true, 1) ON CONFLICT (singleton) DO UPDATE SET documents = memory_corpus.documents + 1`);
  }
  if (gained.length) {
    await tx.query(
      `INSERT INTO memory_feature_df (feature, df) SELECT f, 1 FROM unnest($1::int[]) AS f ORDER BY f
         ON CONFLICT (feature) DO UPDATE SET df = memory_feature_df.df + 1`,
      [gained],
    );
  }
  if (lost.length) await tx.query(`UPDATE memory_feature_df SET df = greatest(df - 1, 0) WHERE feature = ANY($1::int[])`, [lost]);
}
