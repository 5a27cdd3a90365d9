import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Diagnosis } from '../domain/diagnosis.js';
import { SyntraError } from '../domain/errors.js';
import { INTENTS, WORKLOAD_KINDS, type Plan } from '../investigator/planner/plan.js';
import type { EvidenceSummary } from './evidence-summary.js';
import type { Analysis, EvidenceRef, PipelineState, ReviewOutcome } from './pipeline-state.js';

/**
 * The state one step hands the next travels as a task input (JSON in the queue), so it is
 * checked twice: by the sender before it is queued (a bug shows in the step that made it) and
 * by the receiver (a task input written by an older build, or by hand, is refused with the
 * field that is wrong instead of failing deep inside a step). The schemas check the structure
 * each step relies on; large domain documents (the diagnosis, the evidence summary) are
 * checked at their top level and typed as their domain types.
 */
const Str = (max = 253) => Type.String({ maxLength: max });
const Int = Type.Integer({ minimum: 0 });

const QuestionSchema = Type.Object(
  { prompt: Type.String({ minLength: 1, maxLength: 4000 }), namespace: Type.Optional(Str()), podName: Type.Optional(Str()), context: Type.Optional(Str(4000)) },
  { additionalProperties: false },
);

/** Extra plan fields are tolerated: a task queued by an older build carried the step list in its plan. */
const PlanSchema = Type.Unsafe<Plan>(
  Type.Object({
    intent: Type.Union(INTENTS.map((i) => Type.Literal(i))),
    params: Type.Object(
      {
        namespace: Type.Optional(Str()),
        workload: Type.Optional(Type.Object({ kind: Type.Union(WORKLOAD_KINDS.map((k) => Type.Literal(k))), name: Str() }, { additionalProperties: false })),
        pods: Type.Optional(Type.Array(Str())),
        errorText: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    required_info: Type.Optional(Type.Array(Type.String())),
    hint: Type.Optional(Type.String()),
    method: Type.Union([Type.Literal('rule_based'), Type.Literal('llm')]),
    notes: Type.Array(Type.String()),
  }),
);

const ArtifactRefSchema = Type.Object({ name: Str(), version: Type.Integer({ minimum: 1 }), sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, { additionalProperties: false });

const SummarySchema = Type.Unsafe<EvidenceSummary>(
  Type.Object({
    source: Type.String(),
    targets: Type.Array(Type.String()),
    owners: Type.Array(Type.Object({})),
    pods: Type.Array(Type.Object({ name: Type.String() })),
    services: Type.Array(Type.Object({ name: Type.String() })),
    events: Type.Array(Type.Object({})),
    logs: Type.Array(Type.Object({ pod: Type.String(), lines: Type.Array(Type.String()) })),
    counts: Type.Object({ pods: Int, services: Int, events: Int, logLines: Int }),
    warnings: Type.Array(Type.String()),
  }),
);

const EvidenceRefSchema = Type.Unsafe<EvidenceRef>(Type.Object({ artifact: ArtifactRefSchema, summary: SummarySchema, wide: Type.Boolean() }, { additionalProperties: false }));

const DiagnosisSchema = Type.Unsafe<Diagnosis>(
  Type.Object({
    target: Type.Object({ kind: Type.String(), name: Type.String() }),
    root_cause: Type.Object({ type: Type.String(), summary: Type.String(), confidence: Type.Number({ minimum: 0, maximum: 1 }), detection_method: Type.String(), evidence: Type.Array(Type.Object({})) }),
    findings: Type.Array(Type.Object({ type: Type.String() })),
    remediation: Type.Object({ immediate: Type.Array(Type.String()), verification: Type.Array(Type.String()), prevention: Type.Array(Type.String()) }),
    affected_resources: Type.Array(Type.Object({})),
  }),
);

const AnalysisSchema = Type.Unsafe<Analysis>(
  Type.Object({
    diagnosis: DiagnosisSchema,
    method: Type.String(),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    threshold: Type.Number({ minimum: 0, maximum: 1 }),
    ruleRootCause: Type.Object({ type: Type.String(), confidence: Type.Number(), summary: Type.String() }),
    rules: Type.Optional(DiagnosisSchema),
    model: Type.Optional(Type.Object({ provider: Type.String(), model: Type.String(), outcome: Type.String() })),
    overview: Type.Optional(Type.Object({ namespace: Type.String(), pods: Type.Record(Type.String(), Type.Number()), problems: Type.Array(Type.Object({})) })),
  }),
);

const ReviewSchema = Type.Unsafe<ReviewOutcome>(
  Type.Object({
    approved: Type.Boolean(),
    checks: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.String() }, { additionalProperties: false })),
    writes: Type.Array(Type.Object({ command: Type.String(), requiresApproval: Type.Boolean() }, { additionalProperties: false })),
    actions: Type.Optional(
      Type.Array(
        Type.Object({ action: Type.String(), target: Type.Object({ kind: Type.String(), name: Type.String(), namespace: Type.String() }), params: Type.Object({}), expectedEffect: Type.String(), verification: Type.String(), command: Type.String() }),
      ),
    ),
    maskedSecrets: Int,
  }),
);

export const PipelineStateSchema = Type.Unsafe<PipelineState>(
  Type.Object(
    {
      question: QuestionSchema,
      plan: PlanSchema,
      controlVersion: Int,
      pass: Int,
      evidence: Type.Optional(EvidenceRefSchema),
      analysis: Type.Optional(AnalysisSchema),
      review: Type.Optional(ReviewSchema),
    },
    { additionalProperties: false },
  ),
);

/** The parts of the state a step needs before it can run (declared per step in steps.ts). */
export type StateNeed = 'evidence' | 'analysis' | 'review';
export type StateWith<N extends StateNeed> = PipelineState & Required<Pick<PipelineState, N>>;

function problems(schema: TSchema, value: unknown): string {
  return [...Value.Errors(schema, value)]
    .slice(0, 3)
    .map((e) => `${e.path || '/'} ${e.message}`)
    .join('; ');
}

/**
 * Checks `value` is a pipeline state with `needs`; `who` says which side found the problem.
 * A malformed state is a bug or a foreign input, never worth retrying.
 */
export function checkState<N extends StateNeed>(value: unknown, needs: readonly N[], who: string): StateWith<N> {
  const candidate = typeof value === 'object' && value !== null && !('pass' in value) ? { ...value, pass: 0 } : value;
  if (!Value.Check(PipelineStateSchema, candidate)) {
    throw new SyntraError('validation_failed', `${who}: not a pipeline state (${problems(PipelineStateSchema, candidate)})`, { retryable: false });
  }
  if (!hasNeeds(candidate, needs)) {
    const missing = needs.filter((n) => candidate[n] === undefined);
    throw new SyntraError('validation_failed', `${who}: the state has no ${missing.join(', ')}`, { retryable: false });
  }
  return candidate;
}

function hasNeeds<N extends StateNeed>(state: PipelineState, needs: readonly N[]): state is StateWith<N> {
  return needs.every((n) => state[n] !== undefined);
}
