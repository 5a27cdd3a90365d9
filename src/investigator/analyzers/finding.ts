import type { DetectionMethod, EvidenceItem, ResourceRef, RootCauseType } from '../../domain/diagnosis.js';
import { remediationFor, type RemediationFacts } from '../remediation/catalog.js';
import type { AnalyzerFinding, FindingLinks } from './analyzer.js';

export interface FindingInput {
  type: RootCauseType;
  subject: ResourceRef;
  summary: string;
  confidence: number;
  method?: DetectionMethod;
  evidence: EvidenceItem[];
  /** Defaults to the subject. */
  affected?: ResourceRef[];
  /** Names remediation uses for concrete, runnable commands. */
  facts?: RemediationFacts;
  links?: FindingLinks;
}

/** Builds a finding with its remediation; confidence is clamped to [0, 1] and rounded to 2 places. */
export function makeFinding(input: FindingInput): AnalyzerFinding {
  const facts: RemediationFacts = { namespace: input.subject.namespace, ...input.facts };
  return {
    type: input.type,
    summary: input.summary,
    confidence: Math.round(Math.min(1, Math.max(0, input.confidence)) * 100) / 100,
    detection_method: input.method ?? 'rule_based',
    evidence: input.evidence,
    affected_resources: input.affected ?? [input.subject],
    remediation: remediationFor(input.type, facts),
    subject: input.subject,
    ...(input.links ? { links: input.links } : {}),
  };
}
