import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ROOT_CAUSE_TYPES, type DetectionMethod, type Diagnosis, type EvidenceItem, type Finding, type Remediation } from '../domain/diagnosis.js';

/**
 * What a model must answer when the analyst asks it (checked before anything of it is used),
 * and how its answer merges with the rule findings. The answer names its evidence by the ids of
 * the evidence catalogue (`E12`), never by quoting it: the diagnosis then carries the collected
 * items themselves, and the reviewer checks every cited id against what the run collected.
 * The same root cause as the rules → `hybrid` (evidence of both, the higher confidence); a
 * different or new one → `llm`, with the rule findings kept after it so nothing the rules saw
 * is lost.
 */
const Ref = Type.Object({ kind: Type.String({ minLength: 1, maxLength: 100 }), name: Type.String({ minLength: 1, maxLength: 253 }), namespace: Type.Optional(Type.String({ maxLength: 253 })) });
const EvidenceId = Type.String({ pattern: '^E[1-9][0-9]{0,6}$', description: 'an evidence id such as E12' });
const Lines = Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 20 });

export const ModelDiagnosis = Type.Object({
  root_cause: Type.Object({
    type: Type.Union(ROOT_CAUSE_TYPES.map((t) => Type.Literal(t))),
    summary: Type.String({ minLength: 1, maxLength: 2000 }),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    evidence: Type.Array(EvidenceId, { maxItems: 20 }),
  }),
  remediation: Type.Optional(Type.Object({ immediate: Lines, verification: Lines, prevention: Lines, writes: Type.Optional(Lines) })),
  affected_resources: Type.Optional(Type.Array(Ref, { maxItems: 50 })),
});
export type ModelDiagnosis = Static<typeof ModelDiagnosis>;

/** The shape the model is told to answer with (the prompt carries it verbatim). */
export const MODEL_ANSWER_SHAPE = JSON.stringify({
  root_cause: { type: `one of ${ROOT_CAUSE_TYPES.join('|')}`, summary: 'the concrete cause', confidence: '0..1', evidence: ['ids of the evidence items that show it, e.g. E3'] },
  remediation: { immediate: ['…'], verification: ['read-only kubectl commands'], prevention: ['…'], writes: ['kubectl commands that change the cluster'] },
  affected_resources: [{ kind: '', name: '', namespace: '' }],
});

export function validateModelDiagnosis(value: unknown): ModelDiagnosis | Error {
  if (Value.Check(ModelDiagnosis, value)) return value;
  const errors = [...Value.Errors(ModelDiagnosis, value)].slice(0, 3).map((e) => `${e.path || '/'}: ${e.message}`);
  return new Error(`the answer does not match the diagnosis schema (${errors.join('; ')})`);
}

const EMPTY_REMEDIATION: Remediation = { immediate: [], verification: [], prevention: [] };
const key = (e: EvidenceItem) => JSON.stringify([e.kind, e.resource?.kind, e.resource?.namespace, e.resource?.name, e.path, e.value]);

export interface MergedDiagnosis {
  diagnosis: Diagnosis;
  method: DetectionMethod;
  /** The ids the model cited, as it cited them (the reviewer checks each one). */
  cited: string[];
}

/** Resolves the ids an answer cites; the evidence is the collected items those ids name. */
export function mergeDiagnosis(rules: Diagnosis, model: ModelDiagnosis, evidenceOf: (id: string) => EvidenceItem | undefined): MergedDiagnosis {
  const rulesKnew = rules.findings.length > 0 && rules.root_cause.type !== 'unknown';
  const agrees = rulesKnew && model.root_cause.type === rules.root_cause.type;
  const method: DetectionMethod = agrees ? 'hybrid' : 'llm';
  const cited = [...new Set(model.root_cause.evidence)];
  const quoted = cited.flatMap((id) => evidenceOf(id) ?? []);
  const evidence = [...new Map([...quoted, ...(agrees ? rules.root_cause.evidence : [])].map((e) => [key(e), e])).values()];
  const remediation: Remediation = model.remediation ? { ...model.remediation } : agrees ? rules.remediation : EMPTY_REMEDIATION;
  const confidence = agrees ? Math.max(model.root_cause.confidence, rules.root_cause.confidence) : model.root_cause.confidence;
  const affected = model.affected_resources?.length ? model.affected_resources : rules.affected_resources;
  const finding: Finding = {
    type: model.root_cause.type,
    summary: model.root_cause.summary,
    confidence,
    detection_method: method,
    evidence,
    affected_resources: affected,
    remediation,
  };
  const rest = rules.findings.filter((f) => !(agrees && f.type === finding.type) && f.type !== 'unknown');
  return {
    method,
    cited,
    diagnosis: {
      target: rules.target,
      root_cause: { type: finding.type, summary: finding.summary, confidence, detection_method: method, evidence },
      findings: [finding, ...rest],
      remediation,
      affected_resources: affected,
    },
  };
}

/** The rule result, marked as what it is when the model could not be asked. */
export function ruleFallback(rules: Diagnosis): Diagnosis {
  const [first, ...rest] = rules.findings;
  return {
    ...rules,
    root_cause: { ...rules.root_cause, detection_method: 'rule_based_fallback' },
    findings: first ? [{ ...first, detection_method: 'rule_based_fallback' }, ...rest] : [],
  };
}
