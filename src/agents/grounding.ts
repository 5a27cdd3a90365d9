import { SyntraError } from '../domain/errors.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import { ruleFallback } from './diagnosis-schema.js';
import { EvidenceCatalogue } from './evidence-catalogue.js';
import type { Analysis, EvidenceRef } from './pipeline-state.js';

/**
 * The reviewer's check of a model's answer: it must cite evidence ids, and every id must name an
 * item the run collected. The catalogue is rebuilt here from the stored evidence, the summary and
 * the rules' result, independently of what the analyst passed on, so an id the model invented
 * (or took from another run) cannot pass. When the check fails, the model's answer is dropped
 * and the rules' result stands as `rule_based_fallback`.
 */
export interface Grounding {
  ok: boolean;
  detail: string;
  cited: string[];
  /** Cited ids that name nothing the run collected. */
  unknown: string[];
}

export function checkGrounding(analysis: Analysis, evidence: EvidenceRef, snapshot: ClusterSnapshot): Grounding {
  const cited = analysis.model?.cited ?? [];
  if (!analysis.rules) throw new SyntraError('internal', 'a model answer reached the reviewer without the rules result it replaces', { retryable: false });
  if (cited.length === 0) return { ok: false, detail: "the model's answer cites no evidence id", cited, unknown: [] };
  const catalogue = new EvidenceCatalogue(evidence.summary, analysis.rules, snapshot);
  const unknown = cited.filter((id) => catalogue.get(id) === undefined);
  if (unknown.length > 0) return { ok: false, detail: `the model's answer cites evidence ids the run did not collect: ${unknown.join(', ')}`, cited, unknown };
  return { ok: true, detail: `all ${cited.length} cited evidence id(s) name collected evidence: ${cited.join(', ')}`, cited, unknown };
}

/** The analysis with the model's answer dropped: the rules' result, marked as a fallback. */
export function withoutModelAnswer(analysis: Analysis, reason: string): Analysis {
  const rules = analysis.rules!;
  return {
    ...analysis,
    diagnosis: ruleFallback(rules),
    method: 'rule_based_fallback',
    confidence: rules.root_cause.confidence,
    ...(analysis.model ? { model: { ...analysis.model, outcome: 'rejected', error: reason } } : {}),
  };
}
