import { scopeOf } from '../clusters/index.js';
import { putArtifactVersion } from '../artifacts/artifact-versions.js';
import type { ResourceRef } from '../domain/diagnosis.js';
import { memoryLines } from '../investigator/memory-lines.js';
import { TfidfEmbedder, recallFor, resolveIncidentsOf, upsertIncident, type Recall } from '../incidents/index.js';
import type { TaskHandler } from '../worker/registry.js';
import type { AgentDeps } from './deps.js';
import { loadEvidence } from './evidence-artifact.js';
import { explainText, HELP_TEXT } from './explain.js';
import type { PipelineState } from './pipeline-state.js';
import { memoryAnswer, renderJson, renderMarkdown, shortAnswer } from './report-render.js';
import type { ArtifactRef, AskRunOutput } from './run-output.js';
import { proposeFromRun } from './actions/propose-from-run.js';
import { pipelineStep } from './step-runner.js';
import { stepsFor } from './steps.js';

/**
 * `report` — the last step. Writes the Markdown and JSON incident report as artifact versions,
 * creates or updates the incident record (a healthy verdict resolves the subject's open
 * incidents), recalls similar past incidents and the recurrence from the incident memory, and
 * sets the run's output (AskRunOutput).
 */
function answerOf(state: PipelineState): string {
  switch (state.plan.intent) {
    case 'general_help':
      return HELP_TEXT;
    case 'explain':
      return explainText(state.plan.params.errorText);
    case 'collect_evidence': {
      const s = state.evidence?.summary;
      return s ? `Collected evidence for ${s.targets.length} pod(s) in ${s.namespace ?? 'the cluster'}: ${s.counts.pods} pod(s), ${s.counts.services} service(s), ${s.counts.events} event(s), ${s.counts.logLines} log line(s) (artifact ${state.evidence!.artifact.name}).` : 'No evidence collected.';
    }
    default:
      return shortAnswer(state);
  }
}

function subjectOf(state: PipelineState): ResourceRef | undefined {
  const p = state.plan.params;
  if (p.workload) return { kind: p.workload.kind, name: p.workload.name, ...(p.namespace ? { namespace: p.namespace } : {}) };
  if (p.pods?.[0]) return { kind: 'Pod', name: p.pods[0], ...(p.namespace ? { namespace: p.namespace } : {}) };
  return state.analysis?.diagnosis.target;
}

export function reportHandler(deps: AgentDeps): TaskHandler {
  return pipelineStep('report', async (ctx, state, rec) => {
    const runId = ctx.item.runId;

    // The incident first: the report and the answer show what the memory says about it.
    let incidentId: string | null = null;
    let recall: Recall | null = null;
    const d = state.analysis?.diagnosis;
    const subject = subjectOf(state);
    if (d && subject && !state.analysis?.overview) {
      const namespace = state.plan.params.namespace ?? subject.namespace ?? null;
      if (d.root_cause.type === 'no_issue_found') {
        const resolved = await resolveIncidentsOf(deps.db, { namespace, subject, runId });
        if (resolved.length) rec.record('incident.resolved', { incidentIds: resolved });
      } else {
        const embedder = deps.embedder ?? TfidfEmbedder.of(deps.db);
        // The memory keeps the raw evidence lines that tell this incident apart, not only what the diagnosis quoted.
        const evidence = state.evidence ? memoryLines(await loadEvidence(deps, runId, state.evidence, rec), subject) : [];
        const { incident, created } = await upsertIncident(deps.db, { runId, namespace, subject, diagnosis: d, evidence }, { embedder });
        incidentId = incident.id;
        rec.record(created ? 'incident.created' : 'incident.updated', { incidentId, fingerprint: incident.fingerprint, occurrences: incident.occurrences, title: incident.title });
        // A run bound to a namespace recalls from that namespace only (namespace isolation).
        // Past incidents of the run's own scope only (its namespace, in its cluster).
        recall = await recallFor(deps.db, incident, ctx.item.namespace ? [scopeOf(incident.cluster, ctx.item.namespace)!] : null);
        rec.record('incident.recalled', {
          incidentId,
          similar: recall.similar.map((s) => ({ id: s.id, similarity: s.similarity, verified: s.fix.verified })),
          ...(recall.recurrence ? { recurrence: recall.recurrence.text } : {}),
        });
      }
    }
    ctx.signal.throwIfAborted();
    const answer = memoryAnswer(answerOf(state), recall);

    const put = async (name: string, contentType: string, body: string): Promise<ArtifactRef> => {
      const v = await putArtifactVersion(deps.db, deps.store, { runId, name, kind: 'report', contentType, body });
      rec.record('artifact.stored', { name: v.name, version: v.version, sha256: v.sha256, bytes: v.sizeBytes });
      return { name: v.name, version: v.version, sha256: v.sha256 };
    };
    const markdown = await put('report.md', 'text/markdown; charset=utf-8', renderMarkdown(state, answer, runId, recall));
    const json = await put('report.json', 'application/json', JSON.stringify(renderJson(state, answer, runId, recall), null, 2));
    ctx.signal.throwIfAborted();

    const actions = state.review?.actions ?? [];
    const errorLine = d?.root_cause.evidence.find((e) => e.kind === 'log')?.value;
    const diagnosed = d ? { rootCauseType: d.root_cause.type, ...(errorLine ? { errorLine: errorLine.slice(0, 1000) } : {}), ...(subject ? { subject } : {}) } : {};
    const proposed = d ? await proposeFromRun(deps.db, { id: runId, namespace: ctx.item.namespace ?? null }, actions, `${d.root_cause.type}: ${d.root_cause.summary}`.slice(0, 2000), rec, diagnosed) : [];

    const output: AskRunOutput = {
      answer,
      intent: state.plan.intent,
      plan: state.plan,
      steps: stepsFor(state.plan.intent),
      diagnosis: d ?? null,
      report: { markdown, json },
      incidentId,
      similarIncidents: recall?.similar ?? [],
      recurrence: recall?.recurrence ?? null,
      controlVersion: state.controlVersion,
      method: state.analysis?.method ?? state.plan.method,
      confidence: state.analysis?.confidence ?? null,
      ...(state.review ? { review: { approved: state.review.approved, writes: state.review.writes, checks: state.review.checks } } : {}),
      ...(proposed.length ? { proposedActions: proposed } : {}),
      ...(state.analysis?.model ? { model: state.analysis.model } : {}),
      ...(state.analysis?.overview ? { overview: state.analysis.overview } : {}),
    };
    rec.record('report.answer', { answer: answer.slice(0, 1000) });
    return {
      output: { report: { markdown, json }, incidentId },
      runOutput: output,
      finishRun: true,
      events: rec.finish({ controlVersion: state.controlVersion, outcome: d ? d.root_cause.type : state.plan.intent }),
    };
  });
}
