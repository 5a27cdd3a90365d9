import type { Diagnosis } from '../../domain/diagnosis.js';
import { symptomsOf } from '../incident.js';
import { maskText } from './text.js';

/**
 * The text an incident is remembered by (embedded, and searched by words): the root cause, its
 * evidence as quoted (log lines, events), the symptoms it explains and the first fix. Masked:
 * it is stored, and may be sent to an embeddings endpoint.
 */
export function memoryText(d: Diagnosis): string {
  const lines = [
    d.root_cause.type.replace(/_/g, ' '),
    d.root_cause.summary,
    ...d.root_cause.evidence.slice(0, 12).map((e) => e.value.slice(0, 300)),
    ...symptomsOf(d),
  ];
  return maskText(lines.join('\n')).slice(0, 8000);
}
