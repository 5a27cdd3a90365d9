import type { Diagnosis } from '../../domain/diagnosis.js';
import { symptomsOf } from '../incident.js';
import { maskText } from './text.js';

/**
 * The text an incident is remembered by (embedded, and searched by words): the root cause, its
 * evidence as quoted (log lines, events), the symptoms it explains, and the raw evidence lines
 * that tell it apart (`evidence`: failing log lines, events, container states, images, env var
 * names — src/investigator/memory-lines.ts). Masked: it is stored, and may be sent to an
 * embeddings endpoint.
 *
 * An `unknown` root cause is remembered by its evidence only: its summary is the investigator's
 * generic "nothing recognised in what was given" sentence, the same for every such incident, and
 * two incidents that share nothing but not being understood are not similar: the raw evidence
 * is what such an incident can be found by.
 */
export function memoryText(d: Diagnosis, evidence: readonly string[] = []): string {
  const known = d.root_cause.type !== 'unknown';
  const lines = [
    ...(known ? [d.root_cause.type.replace(/_/g, ' '), d.root_cause.summary] : []),
    ...d.root_cause.evidence.slice(0, 12).map((e) => e.value.slice(0, 300)),
    ...symptomsOf(d),
    ...evidence,
  ].map((l) => l.replace(/\s+/g, ' ').trim());
  // A line quoted by the diagnosis and seen again in the raw evidence counts once.
  return maskText([...new Set(lines)].join('\n')).slice(0, 8000);
}
