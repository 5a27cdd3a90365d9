import type { Database } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';
import { learnDocument } from './document-frequencies.js';
import { termsOf } from './text.js';

/**
 * Retention: an incident not seen for longer than the retention age is summarised, never dropped.
 * Its heavy parts go (the symptoms and the quoted evidence of its memory text); what it taught
 * stays: root cause, summary, confidence, tags, the fix and whether it held, occurrences, first
 * and last seen, and the counts of what was removed (`summarised_counts`: runs, feedback,
 * symptoms, characters of memory text). Its memory text becomes the root cause and summary, so it
 * is still found (its vector is re-made from that in the background, reembed.ts); a later run
 * that sees it again makes it a full record again.
 */
export const DEFAULT_RETENTION_DAYS = 180;

export function retentionDaysFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.SYNTRA_MEMORY_RETENTION_DAYS?.trim();
  if (!raw) return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) {
    throw new SyntraError('config_invalid', `SYNTRA_MEMORY_RETENTION_DAYS must be a whole number of days ≥ 1, got "${raw}" (e.g. 180)`);
  }
  return days;
}

export interface RetentionResult {
  summarised: number;
}

export async function summariseOldIncidents(db: Database, options: { olderThanDays: number; batch?: number }): Promise<RetentionResult> {
  const due = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM incidents WHERE summarised_at IS NULL AND last_seen < now() - make_interval(days => $1::int)
      ORDER BY last_seen LIMIT $2`,
    [options.olderThanDays, options.batch ?? 100],
  );
  let summarised = 0;
  for (const { id } of due.rows) {
    const done = await db.transaction(async (tx) => {
      const row = (
        await tx.query<{ root_cause_type: string; summary: string; memory_text: string; features_learned: boolean; symptoms: unknown[]; runs: number; feedback: number }>(
          `SELECT root_cause_type, summary, memory_text, features_learned, symptoms,
                  (SELECT count(*)::int FROM incident_runs WHERE incident_id = i.id) AS runs,
                  (SELECT count(*)::int FROM incident_feedback WHERE incident_id = i.id) AS feedback
             FROM incidents i WHERE id = $1 AND summarised_at IS NULL
              AND last_seen < now() - make_interval(days => $2::int) FOR UPDATE`,
          [id, options.olderThanDays],
        )
      ).rows[0];
      if (!row) return false; // seen again meanwhile
      const compact = `${row.root_cause_type.replace(/_/g, ' ')}\n${row.summary}`;
      if (row.features_learned) await learnDocument(tx, row.memory_text, compact);
      const counts = { runs: Number(row.runs), feedback: Number(row.feedback), symptoms: Array.isArray(row.symptoms) ? row.symptoms.length : 0, memoryTextChars: row.memory_text.length };
      await tx.query(
        `UPDATE incidents SET symptoms = '[]'::jsonb, memory_text = $2, terms = $3::text[], embedding = NULL, embedding_model = NULL,
                summarised_at = now(), summarised_counts = $4::jsonb WHERE id = $1`,
        [id, compact, termsOf(compact), JSON.stringify(counts)],
      );
      return true;
    });
    if (done) summarised++;
  }
  return { summarised };
}
