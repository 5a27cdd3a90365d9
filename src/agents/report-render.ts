import type { Diagnosis, EvidenceItem } from '../domain/diagnosis.js';
import { redactText } from '../domain/secrets/index.js';
import type { Recall, SimilarIncident } from '../incidents/index.js';
import type { PipelineState } from './pipeline-state.js';

/**
 * The incident report in Markdown (for people) and JSON (for machines). Both are rendered from
 * the reviewed state only, and the Markdown is passed through the redactor once more before
 * it is stored.
 */
const ref = (e: EvidenceItem) => (e.resource ? `${e.resource.kind}/${e.resource.name}${e.path ? ` ${e.path}` : ''}` : (e.path ?? e.kind));
const pct = (c: number) => `${Math.round(c * 100)}%`;

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
const verdict = (v: boolean | null) => (v === true ? 'verified' : v === false ? 'did not hold' : 'not verified');

/** One similar incident in a line: how similar, when, its root cause, what fixed it and whether that held. */
export function similarLine(s: SimilarIncident): string {
  const wrong = s.rootCause.correct === false ? ' (root cause marked wrong)' : '';
  const fix = s.fix.action ? `fix: ${s.fix.action} — ${verdict(s.fix.verified)}` : 'no fix recorded';
  return `${pct(s.similarity)} similar · ${day(s.lastSeen)} · ${s.title} · ${s.rootCause.type}: ${s.rootCause.summary}${wrong} · ${fix}`;
}

/** The answer with what the memory adds: the recurrence, and the closest past incident. */
export function memoryAnswer(answer: string, recall: Recall | null): string {
  if (!recall) return answer;
  const parts = [answer];
  if (recall.recurrence) parts.push(`Recurring: ${recall.recurrence.text}.`);
  const top = recall.similar[0];
  if (top) parts.push(`Similar past incident: ${similarLine(top)}.`);
  return parts.join(' ');
}

export function shortAnswer(state: PipelineState): string {
  const a = state.analysis;
  if (!a) return '';
  const d = a.diagnosis;
  if (a.overview) {
    const n = a.overview.problems.length;
    return n === 0 ? `Namespace ${a.overview.namespace} looks healthy.` : `Namespace ${a.overview.namespace}: ${n} problem(s). Top: ${a.overview.problems[0]!.summary}`;
  }
  if (d.root_cause.type === 'no_issue_found') return `No issue found: ${d.root_cause.summary}`;
  const first = d.remediation.immediate[0];
  const low = state.review && !state.review.approved ? ' (low confidence: verify before acting)' : '';
  return `Root cause (${d.root_cause.type}, ${pct(a.confidence)} confidence${low}): ${d.root_cause.summary}${first ? ` Next step: ${first}` : ''}`;
}

function diagnosisMarkdown(d: Diagnosis, state: PipelineState): string[] {
  const a = state.analysis!;
  const lines = [
    `## Root cause`,
    '',
    `**${d.root_cause.type}** — ${d.root_cause.summary}`,
    '',
    `Confidence ${pct(a.confidence)} · method ${a.method}${a.model ? ` · model ${a.model.provider}/${a.model.model} (${a.model.outcome})` : ''} · target ${d.target.kind}/${d.target.name}${d.target.namespace ? ` in ${d.target.namespace}` : ''}`,
    '',
    '## Evidence',
    '',
    ...d.root_cause.evidence.map((e) => `- \`${ref(e)}\`: ${e.value.replace(/\n/g, ' ')}`),
  ];
  if (d.findings.length > 1) {
    lines.push('', '## Related findings', '', ...d.findings.slice(1).map((f) => `- ${f.type} (${pct(f.confidence)}): ${f.summary}`));
  }
  const r = d.remediation;
  lines.push('', '## Remediation', '', '### Immediate', '', ...(r.immediate.length ? r.immediate.map((s) => `- ${s}`) : ['- (none)']));
  if (state.review?.writes.length) {
    lines.push('', '### Commands that change the cluster', '', ...state.review.writes.map((w) => `- \`${w.command}\`${w.requiresApproval ? ' — **needs explicit approval**' : ''}`));
  }
  lines.push('', '### Verification (read-only)', '', ...(r.verification.length ? r.verification.map((s) => `- \`${s}\``) : ['- (none)']));
  lines.push('', '### Prevention', '', ...(r.prevention.length ? r.prevention.map((s) => `- ${s}`) : ['- (none)']));
  return lines;
}

export function renderMarkdown(state: PipelineState, answer: string, runId: string, recall: Recall | null = null): string {
  const { question, plan } = state;
  const lines = [
    `# Incident report`,
    '',
    `> ${question.prompt}`,
    '',
    `Run \`${runId}\` · intent ${plan.intent} · control version ${state.controlVersion}${plan.params.namespace ? ` · namespace ${plan.params.namespace}` : ''}`,
    '',
    `**Answer:** ${answer}`,
    '',
  ];
  if (plan.notes.length) lines.push('## Plan', '', ...plan.notes.map((n) => `- ${n}`), '');
  const a = state.analysis;
  if (a?.overview) {
    lines.push('## Namespace overview', '', `Pods by status: ${Object.entries(a.overview.pods).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`, '');
    lines.push(...a.overview.problems.map((p) => `- **${p.target}** ${p.type} (${pct(p.confidence)}): ${p.summary}`), '');
  }
  if (a) lines.push(...diagnosisMarkdown(a.diagnosis, state), '');
  if (recall?.recurrence) lines.push('## Recurrence', '', recall.recurrence.text, '');
  if (recall?.similar.length) lines.push('## Similar past incidents', '', ...recall.similar.map((s) => `- \`${s.id}\` ${similarLine(s)}`), '');
  const s = state.evidence?.summary;
  if (s) {
    lines.push('## Evidence collected', '', `Source: ${s.source}. ${s.counts.pods} pod(s), ${s.counts.services} service(s), ${s.counts.events} event(s), ${s.counts.logLines} log line(s) in the summary.`, '');
    lines.push(...s.pods.map((p) => `- pod ${p.name}: ${p.status}, ${p.restarts} restart(s)`));
    lines.push(...s.services.map((x) => `- service ${x.name} (${x.why.replace(/_/g, ' ')}): ${x.readyEndpoints ?? 'unknown'} ready endpoint(s)`), '');
  }
  if (state.review) {
    lines.push('## Review', '', ...state.review.checks.map((c) => `- ${c.ok ? '✔' : '✘'} ${c.name.replace(/_/g, ' ')}: ${c.detail}`), '');
  }
  return redactText(lines.join('\n')).text;
}

export function renderJson(state: PipelineState, answer: string, runId: string, recall: Recall | null = null): Record<string, unknown> {
  return {
    runId,
    question: state.question.prompt,
    answer,
    intent: state.plan.intent,
    plan: { params: state.plan.params, notes: state.plan.notes, method: state.plan.method },
    controlVersion: state.controlVersion,
    diagnosis: state.analysis?.diagnosis ?? null,
    method: state.analysis?.method ?? null,
    confidence: state.analysis?.confidence ?? null,
    model: state.analysis?.model ?? null,
    overview: state.analysis?.overview ?? null,
    review: state.review ?? null,
    similarIncidents: recall?.similar ?? [],
    recurrence: recall?.recurrence ?? null,
    evidence: state.evidence ? { artifact: state.evidence.artifact, summary: state.evidence.summary } : null,
  };
}
