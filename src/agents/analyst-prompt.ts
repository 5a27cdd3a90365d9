import type { Diagnosis, EvidenceItem } from '../domain/diagnosis.js';
import { itemLine, type EvidenceCatalogue } from './evidence-catalogue.js';
import type { EvidenceSummary } from './evidence-summary.js';

/**
 * What the analyst shows a model: the normalised evidence, one numbered item per line, and the
 * rules' hypotheses (their ranked findings when the rules gave none) with the ids of the items
 * that support each — so the model reasons over the same facts the rules did and answers by
 * citing ids.
 */
const MAX_HYPOTHESES = 5;

export function evidenceText(summary: EvidenceSummary, catalogue: EvidenceCatalogue): string {
  const owners = summary.owners.map((o) => `${o.kind} ${o.name}`).join(' → ');
  const c = summary.counts;
  return [
    `Source: ${summary.source}${summary.namespace ? `; namespace ${summary.namespace}` : ''}`,
    `Target pods: ${summary.targets.join(', ') || '(none named)'}${owners ? `; owned by ${owners}` : ''}`,
    `Collected: ${c.pods} pods, ${c.services} services, ${c.events} events, ${c.logLines} log lines shown`,
    ...summary.warnings.map((w) => `Warning from the evidence source: ${w}`),
    '',
    ...catalogue.listed().map(itemLine),
    '',
    'Further events and log lines come from the get_events and get_logs tools, each with its id.',
  ].join('\n');
}

function ids(items: readonly EvidenceItem[], catalogue: EvidenceCatalogue): string {
  const known = items.flatMap((e) => catalogue.idOf(e) ?? []);
  return known.length ? [...new Set(known)].join(', ') : 'none';
}

export function hypothesesText(rules: Diagnosis, catalogue: EvidenceCatalogue): string {
  if (rules.hypotheses?.length) {
    return rules.hypotheses
      .slice(0, MAX_HYPOTHESES)
      .map((h, i) =>
        [
          `H${i + 1} ${h.type} (confidence ${h.confidence}): ${h.summary}`,
          `   for: ${ids(h.evidence_for, catalogue)}`,
          ...(h.evidence_against.length ? [`   against: ${h.evidence_against.join('; ')}`] : []),
          `   settle with: ${h.check}`,
        ].join('\n'),
      )
      .join('\n');
  }
  const findings = rules.findings.filter((f) => f.type !== 'unknown');
  if (findings.length === 0) return '(the rules found nothing)';
  return findings
    .slice(0, MAX_HYPOTHESES)
    .map((f, i) => `H${i + 1} ${f.type} (confidence ${f.confidence}): ${f.summary}\n   for: ${ids(f.evidence, catalogue)}`)
    .join('\n');
}
