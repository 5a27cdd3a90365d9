import { loadRealCorpus, runRealCase, type RealCase } from '../../test/fixtures/diagnosis/real/corpus.js';
import type { Diagnosis } from '../../src/domain/diagnosis.js';

/**
 * The real-world diagnosis corpus as incidents: each case diagnosed the way a user runs it
 * (`syntra diagnose --from …`), kept with its labelled types. Two cases whose labels share a
 * type are a pair of the same cause in different words, on different workloads.
 */
export interface CorpusIncident {
  id: string;
  types: string[];
  diagnosis: Diagnosis;
}

export async function corpusIncidents(): Promise<CorpusIncident[]> {
  const out: CorpusIncident[] = [];
  for (const c of loadRealCorpus() as RealCase[]) {
    const a = await runRealCase(c);
    if (!a.diagnosis || a.diagnosis.root_cause.type === 'no_issue_found') continue;
    out.push({ id: c.id, types: c.label.types, diagnosis: a.diagnosis });
  }
  return out;
}

export const sameCause = (a: CorpusIncident, b: CorpusIncident): boolean => a.types.some((t) => t !== 'unknown' && b.types.includes(t));
