import type { Queryable } from '../db/database.js';
import type { Incident } from './incident.js';
import { findSimilar, probeOf, type SimilarIncident } from './memory/similar.js';
import { recurrenceOf, type Recurrence } from './memory/recurrence.js';

/** What the memory says about an incident just diagnosed: its similar past incidents and its recurrence. */
export interface Recall {
  similar: SimilarIncident[];
  recurrence: Recurrence | null;
}

export async function recallFor(db: Queryable, incident: Incident, namespaces: readonly string[] | null, limit = 3): Promise<Recall> {
  const probe = await probeOf(db, incident.id);
  // Seen by an earlier run too: that earlier occurrence is a similar past incident (the same one).
  const seenBefore = incident.occurrences > 1;
  const similar = probe ? await findSimilar(db, probe, { namespaces, excludeId: incident.id, ...(seenBefore ? { pastSelfId: incident.id } : {}), limit }) : [];
  return { similar, recurrence: recurrenceOf(incident) };
}
