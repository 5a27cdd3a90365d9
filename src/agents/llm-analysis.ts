import { renderPrompt, type ControlSnapshot } from '../control-plane/control-registry/index.js';
import { PROMPT_NAMES } from './kubernetes/prompts.js';
import { ANALYST_SKILL } from './kubernetes/skill.js';
import type { ArbiterPolicy, RouteTarget } from '../control-plane/control-registry/schemas.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import { SyntraError } from '../domain/errors.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import { redactDeep } from '../domain/secrets/index.js';
import type { ChatMessage, ChatOptions, ToolDefinition } from '../llm/provider.js';
import { chatJson, extractJson, runToolLoop } from '../llm/structured.js';
import { callsOfFailure, usageLedgerPayload, type ModelCallLedgerPayload } from '../llm/usage.js';
import type { AgentDeps } from './deps.js';
import { MODEL_ANSWER_SHAPE, mergeDiagnosis, validateModelDiagnosis, type ModelDiagnosis } from './diagnosis-schema.js';
import { evidenceText, hypothesesText } from './analyst-prompt.js';
import { EvidenceCatalogue } from './evidence-catalogue.js';
import type { EvidenceSummary } from './evidence-summary.js';
import { EVIDENCE_TOOL_DEFINITIONS, evidenceTools } from './evidence-tools.js';
import type { ModelUse, Question } from './pipeline-state.js';
import { MODEL_CALL, type StepRecorder } from './step-recorder.js';

/**
 * The analyst's model consultation, used only when the rules are unsure. The model sees the
 * REDACTED evidence as numbered items and the rules' hypotheses; when the routed skill grants
 * tools it may read more of the run's (redacted) evidence through them, bounded by the arbiter's
 * maxModelSteps. Its answer must match the diagnosis schema (one retry with the error) and cite
 * evidence ids; it then merges with the rule findings. Whether the cited ids name collected
 * evidence is the reviewer's check. Every model call and tool step goes to the ledger and into
 * `use` (the caller's: it keeps what was spent when the consultation fails).
 */

export interface ModelAnalysis {
  diagnosis: Diagnosis;
  method: Diagnosis['root_cause']['detection_method'];
  /** The evidence ids the answer cited. */
  cited: string[];
}

interface Inputs {
  question: Question;
  summary: EvidenceSummary;
  rules: Diagnosis;
  evidence: ClusterSnapshot;
  arbiter: ArbiterPolicy;
}

function allowedTools(snapshot: ControlSnapshot): ToolDefinition[] {
  const skill = snapshot.skills[ANALYST_SKILL];
  if (!skill) return [];
  const implemented = new Set(EVIDENCE_TOOL_DEFINITIONS.map((t) => t.name));
  return skill.tools
    .map((name) => snapshot.tools[name])
    .filter((t): t is NonNullable<typeof t> => t !== undefined && t.readOnly && implemented.has(t.name))
    .map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
}

export async function analyzeWithModel(
  deps: AgentDeps,
  snapshot: ControlSnapshot,
  route: RouteTarget,
  inputs: Inputs,
  step: { rec: StepRecorder; signal: AbortSignal; use: ModelUse },
): Promise<ModelAnalysis> {
  const { rec, signal, use } = step;
  const { provider, model } = deps.providers.resolve(route);
  const account = (r: ModelCallLedgerPayload) => {
    use.calls += 1;
    use.inputTokens += r.inputTokens;
    use.outputTokens += r.outputTokens;
    use.latencyMs += r.latencyMs;
    if (r.estimatedCostUsd !== undefined) use.estimatedCostUsd = Math.round(((use.estimatedCostUsd ?? 0) + r.estimatedCostUsd) * 1e6) / 1e6;
    rec.record(MODEL_CALL, { purpose: 'analyze', ...r });
  };

  const system = [snapshot.prompts[PROMPT_NAMES.analyst] ? renderPrompt(snapshot.prompts[PROMPT_NAMES.analyst]!, {}) : '', snapshot.skills[ANALYST_SKILL]?.instructions ?? '']
    .filter(Boolean)
    .join('\n\n');
  const catalogue = new EvidenceCatalogue(inputs.summary, inputs.rules, inputs.evidence);
  // Belt and braces: the evidence was masked when collected; mask the prompt parts once more.
  const evidence = redactDeep(evidenceText(inputs.summary, catalogue)).value;
  const hypotheses = redactDeep(hypothesesText(inputs.rules, catalogue)).value;
  const question = redactDeep(inputs.question.context ? `${inputs.question.prompt}\n\nContext: ${inputs.question.context}` : inputs.question.prompt).value;
  const requestPrompt = snapshot.prompts[PROMPT_NAMES.analystRequest];
  const body = requestPrompt
    ? renderPrompt(requestPrompt, { question, rule_findings: hypotheses, evidence })
    : `Question: ${question}\n\nHypotheses of the rules:\n${hypotheses}\n\nEvidence:\n${evidence}`;
  const messages: ChatMessage[] = [{ role: 'user', content: `${body}\n\nAnswer with JSON of this shape: ${MODEL_ANSWER_SHAPE}` }];
  const base = {
    model,
    system,
    ...(route.params?.temperature !== undefined ? { temperature: route.params.temperature } : {}),
    ...(route.params?.maxTokens !== undefined ? { maxTokens: route.params.maxTokens } : {}),
  };
  const opts: ChatOptions = { signal, ...(route.params?.timeoutMs ? { deadlineMs: route.params.timeoutMs } : {}) };

  const tools = allowedTools(snapshot);
  let answer: ModelDiagnosis | undefined;
  let conversation = messages;
  if (tools.length > 0 && inputs.arbiter.maxModelSteps > 0) {
    const loop = await runToolLoop(provider, { ...base, messages, tools }, evidenceTools(inputs.evidence, catalogue), {
      ...opts,
      maxSteps: inputs.arbiter.maxModelSteps,
      onModelCall: (r) => account(usageLedgerPayload(r)),
      onStep: (step) => {
        use.toolSteps += 1;
        rec.record('model.tool_step', { ...step });
      },
    });
    conversation = loop.messages;
    const extracted = extractJson(loop.text);
    const checked = extracted.ok ? validateModelDiagnosis(extracted.value) : new Error(extracted.error);
    if (!(checked instanceof Error)) answer = checked;
    else conversation = [...loop.messages, { role: 'user', content: `Now answer with the diagnosis JSON only (${checked.message}).` }];
  }
  if (!answer) {
    try {
      const res = await chatJson(provider, { ...base, messages: conversation }, validateModelDiagnosis, opts);
      for (const r of res.responses) account(usageLedgerPayload(r));
      answer = res.value;
    } catch (e) {
      for (const call of callsOfFailure(e)) account(call);
      throw e;
    }
  }
  if (signal.aborted) throw new SyntraError('cancelled', 'analysis aborted');
  const merged = mergeDiagnosis(inputs.rules, answer, (id) => catalogue.get(id));
  return { diagnosis: merged.diagnosis, method: merged.method, cited: merged.cited };
}
