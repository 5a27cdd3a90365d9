import type { Diagnosis } from '../../domain/diagnosis.js';
import { symptomsOf } from '../incident.js';
import { maskText } from './text.js';

/**
 * The text an incident is remembered by (embedded, and searched by words): the root cause, its
 * evidence as quoted (log lines, events) and the symptoms it explains. Masked: it is stored, and
 * may be sent to an embeddings endpoint.
 *
 * An `unknown` root cause is remembered by its evidence only: its summary is the investigator's
 * generic "nothing recognised in what was given" sentence, the same for every such incident, and
 * two incidents that share nothing but not being understood are not similar.
 */
export function memoryText(d: Diagnosis): string {
  const known = d.root_cause.type !== 'unknown';
  const lines = [
    ...(known ? [d.root_cause.type.replace(/_/g, ' '), d.root_cause.summary] : []),
    ...d.root_cause.evidence.slice(0, 12).map((e) => e.value.slice(0, 300)),
    ...symptomsOf(d),
  ];
  return maskText(lines.join('\n')).slice(0, 8000);
}
