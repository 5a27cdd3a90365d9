import { resolveRoute, type ControlSnapshot } from '../control-plane/control-registry/index.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import { errorMessage, isSyntraError } from '../domain/errors.js';
import { diagnose, type DiagnoseTarget } from '../investigator/diagnose.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import { overview } from '../investigator/overview.js';
import type { TaskHandler } from '../worker/registry.js';
import { arbiterOf, pinnedSnapshot, type AgentDeps } from './deps.js';
import { ruleFallback } from './diagnosis-schema.js';
import { loadEvidence } from './evidence-artifact.js';
import { analyzeWithModel } from './llm-analysis.js';
import type { Analysis, ModelUse, PipelineState } from './pipeline-state.js';
import { handOff, pipelineStep, requireNext } from './step-runner.js';
import { routeOf } from './steps.js';

/**
 * `analyze` — the incident analyst. Rules first (diagnose() over the collected evidence). Only
 * when the best finding is below the arbiter's threshold, or nothing matched, and a model is
 * routed for `analyze`, it consults the model; a provider failure or timeout leaves the rule
 * result, marked `rule_based_fallback`, with the failure in the ledger. Only a model makes a
 * result `llm` or `hybrid` (see mergeDiagnosis).
 */
function targetOf(state: PipelineState): DiagnoseTarget | undefined {
  const p = state.plan.params;
  if (p.workload) return { kind: p.workload.kind, name: p.workload.name, ...(p.namespace ? { namespace: p.namespace } : {}) };
  if (p.pods?.[0]) return { kind: 'Pod', name: p.pods[0], ...(p.namespace ? { namespace: p.namespace } : {}) };
  return undefined;
}

function ruleDiagnosis(state: PipelineState, evidence: ClusterSnapshot): { rules: Diagnosis; overview?: Analysis['overview'] } {
  const ns = state.plan.params.namespace;
  if (state.plan.intent === 'namespace_overview' && ns) {
    const ov = overview(evidence, ns);
    return {
      rules: ov.diagnoses[0] ?? diagnose(evidence),
      overview: {
        namespace: ns,
        pods: ov.pods.byStatus,
        problems: ov.topProblems.map((p) => ({ target: `${p.target.kind}/${p.target.name}`, type: p.type, summary: p.summary, confidence: p.confidence })),
      },
    };
  }
  return { rules: diagnose(evidence, targetOf(state)) };
}

function unsureBecause(d: Diagnosis, threshold: number): string | undefined {
  if (d.findings.length === 0 || d.root_cause.type === 'unknown') return 'no rule matched';
  if (d.root_cause.confidence < threshold) return `best rule confidence ${d.root_cause.confidence} is below the threshold ${threshold}`;
  return undefined;
}

export function analyzeHandler(deps: AgentDeps): TaskHandler {
  return pipelineStep('analyze', async (ctx, state, rec) => {
      const control: ControlSnapshot = await pinnedSnapshot(deps, state.controlVersion);
      const arbiter = arbiterOf(control);
      const evidence = await loadEvidence(deps, ctx.item.runId, state.evidence, rec);
      ctx.signal.throwIfAborted();

      const started = performance.now();
      const { rules, overview: ov } = ruleDiagnosis(state, evidence);
      rec.record('analysis.findings', {
        durationMs: Math.round(performance.now() - started),
        target: rules.target,
        rootCause: { type: rules.root_cause.type, confidence: rules.root_cause.confidence, summary: rules.root_cause.summary },
        findings: rules.findings.map((f) => ({ type: f.type, confidence: f.confidence, detection_method: f.detection_method, summary: f.summary })),
      });

      const threshold = arbiter.confidenceThreshold;
      const unsure = unsureBecause(rules, threshold);
      const route = resolveRoute(control, { ...routeOf('analyze'), intent: state.plan.intent });
      let analysis: Analysis = {
        diagnosis: rules,
        method: rules.root_cause.detection_method,
        confidence: rules.root_cause.confidence,
        threshold,
        ruleRootCause: { type: rules.root_cause.type, confidence: rules.root_cause.confidence, summary: rules.root_cause.summary },
        ...(ov ? { overview: ov } : {}),
      };
      if (deps.providers.isEmpty()) rec.record('analysis.rules_only', { reason: 'no model provider configured: rules-only mode' });

      if (!unsure) {
        rec.record('decision', { decision: 'use_rules', reason: `rule confidence ${rules.root_cause.confidence} ≥ threshold ${threshold}`, controlVersion: control.version });
      } else if (!route || deps.providers.isEmpty()) {
        rec.record('decision', { decision: 'use_rules', reason: `${unsure}; ${route ? 'no model provider configured' : 'no model routed for analyze'}`, controlVersion: control.version });
      } else if (!deps.providers.get(route.provider)) {
        const model = route.model ?? '(its configured model)';
        rec.record('model.failed', { purpose: 'analyze', provider: route.provider, model, error: `provider ${route.provider} is not configured (${deps.providers.describe()})`, code: 'provider_not_configured' });
        analysis = { ...analysis, diagnosis: ruleFallback(rules), method: 'rule_based_fallback', model: { provider: route.provider, model, outcome: 'not_configured', calls: 0, inputTokens: 0, outputTokens: 0, latencyMs: 0, toolSteps: 0 } };
      } else {
        // The route may name the configured provider ("default") and leave the model to it: record what runs.
        const resolved = deps.providers.resolve(route);
        const used = { provider: resolved.provider.name, model: resolved.model };
        rec.record('decision', { decision: 'consult_model', reason: unsure, ...used, controlVersion: control.version });
        const use: ModelUse = { ...used, outcome: 'used', calls: 0, inputTokens: 0, outputTokens: 0, latencyMs: 0, toolSteps: 0 };
        try {
          const m = await analyzeWithModel(deps, control, route, { question: state.question, summary: state.evidence.summary, rules, evidence, arbiter }, { rec, signal: ctx.signal, use });
          analysis = { ...analysis, diagnosis: m.diagnosis, method: m.method, confidence: m.diagnosis.root_cause.confidence, rules, model: { ...use, cited: m.cited } };
          rec.record('model.answer', { type: m.diagnosis.root_cause.type, confidence: m.diagnosis.root_cause.confidence, method: m.method, summary: m.diagnosis.root_cause.summary, cited: m.cited });
        } catch (e) {
          if (ctx.signal.aborted) throw e;
          const error = errorMessage(e);
          rec.record('model.failed', { purpose: 'analyze', ...used, error, ...(isSyntraError(e) ? { code: e.code } : {}), fallback: 'rule_based_fallback' });
          analysis = {
            ...analysis,
            diagnosis: ruleFallback(rules),
            method: 'rule_based_fallback',
            model: { ...use, outcome: 'failed', error },
          };
        }
      }

      const next = requireNext(state.plan.intent, 'analyze');
      return {
        output: { rootCause: analysis.diagnosis.root_cause.type, confidence: analysis.confidence, method: analysis.method, next },
        followUps: [handOff(next, { ...state, analysis })],
        events: rec.finish({ controlVersion: control.version, outcome: analysis.diagnosis.root_cause.type, method: analysis.method, confidence: analysis.confidence }),
      };
  });
}
