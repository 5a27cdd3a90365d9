import type { Diagnosis, EvidenceItem, Remediation, ResourceRef } from '../../domain/diagnosis.js';
import type { Terminal } from '../output/terminal.js';
import { dateTime, percent, shortIds } from './formatting.js';

/**
 * The answer of an `ask` run: the diagnosis (root cause, confidence, evidence, remediation with
 * copyable commands — writes marked as needing approval), similar past incidents, or, when the
 * question lacked something, what is missing and the candidates.
 */
/** A similar past incident as the API sends it (GET /v1/incidents/search, the ask answer). */
export interface SimilarIncident {
  id: string;
  title: string;
  namespace?: string | null;
  similarity: number;
  lastSeen: string;
  rootCause: { type: string; summary: string; correct?: boolean | null };
  fix: { action: string | null; verified: boolean | null };
}

/** One line each: how similar, when, the root cause, what fixed it and whether that held (verified in green). */
export function similarLines(term: Terminal, items: SimilarIncident[]): string[] {
  const c = term.color;
  const ids = term.tty ? shortIds(items.map((s) => s.id)) : items.map((s) => s.id);
  return items.map((s, i) => {
    const fix = s.fix.action
      ? `${s.fix.action}${s.fix.verified === true ? c.green(' — verified') : s.fix.verified === false ? c.red(' — did not hold') : c.dim(' — not verified')}`
      : c.dim('no fix recorded');
    const wrong = s.rootCause.correct === false ? c.red(' (root cause marked wrong)') : '';
    return `  • ${c.cyan(ids[i]!)} ${c.dim(`${percent(s.similarity)} similar · ${dateTime(s.lastSeen)}`)} ${s.title}\n      ${s.rootCause.type}: ${s.rootCause.summary}${wrong}\n      fix: ${fix}`;
  });
}

export interface AskAnswer {
  answer?: string;
  response?: string;
  intent?: string;
  diagnosis?: Diagnosis;
  required_info?: string[];
  hint?: string | { message?: string; candidates?: unknown } | Record<string, unknown>;
  incidentId?: string;
  similarIncidents?: SimilarIncident[];
  recurrence?: { count: number; text: string } | null;
  /** The typed actions the Reviewer read from the remediation; `id` when an approval request was created. */
  proposedActions?: Array<{ action: string; target: { kind: string; name: string; namespace?: string }; params: Record<string, unknown>; id?: string; status?: string; waiting?: string }>;
  /** The analysis's model use (AskRunOutput.model): calls, tokens, estimated cost. */
  model?: { provider?: string; model?: string; outcome?: string; calls?: number; inputTokens?: number; outputTokens?: number; estimatedCostUsd?: number };
  [other: string]: unknown;
}

/** "Model  openai/gpt-4o-mini · 1 call · 1,020 tokens (900 in, 120 out) · ~$0.0002", or nothing when no model was called. */
export function modelUsageLine(term: Terminal, m: AskAnswer['model']): string | undefined {
  if (!m || !m.calls) return undefined;
  const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');
  const tokens = (m.inputTokens ?? 0) + (m.outputTokens ?? 0);
  const cost = m.estimatedCostUsd === undefined ? '' : ` · ~$${m.estimatedCostUsd < 0.01 ? m.estimatedCostUsd.toPrecision(2) : m.estimatedCostUsd.toFixed(2)}`;
  return `${term.color.dim('Model')}       ${m.provider}/${m.model} · ${m.calls} call${m.calls === 1 ? '' : 's'} · ${n(tokens)} tokens (${n(m.inputTokens)} in, ${n(m.outputTokens)} out)${cost}`;
}

export function missingInfo(answer: AskAnswer | undefined): string[] {
  return Array.isArray(answer?.required_info) ? answer.required_info.filter((x): x is string => typeof x === 'string') : [];
}

/** Candidates from the hint, whatever its shape: a list, {candidates}, {namespace: [...]}, or text. */
export function hintCandidates(answer: AskAnswer, field?: string): string[] {
  const hint = answer.hint;
  if (!hint || typeof hint === 'string') return typeof hint === 'string' ? candidatesInText(hint) : [];
  const h = hint as Record<string, unknown>;
  const pick = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String((x as { name?: unknown })?.name ?? x))) : []);
  if (field && h[field] !== undefined) {
    const own = h[field];
    return Array.isArray(own) ? pick(own) : pick((own as { candidates?: unknown })?.candidates);
  }
  if (Array.isArray(h.candidates)) return pick(h.candidates);
  if (h.candidates && typeof h.candidates === 'object' && field) return pick((h.candidates as Record<string, unknown>)[field]);
  return [];
}

function candidatesInText(text: string): string[] {
  const m = /:\s*([\w.-]+(?:\s*,\s*[\w.-]+)+)/.exec(text);
  return m ? m[1]!.split(',').map((s) => s.trim().replace(/\.$/, '')) : [];
}

export function hintText(answer: AskAnswer): string | undefined {
  const h = answer.hint;
  if (typeof h === 'string') return h;
  if (h && typeof (h as { message?: unknown }).message === 'string') return (h as { message: string }).message;
  return undefined;
}

const ref = (r: ResourceRef | undefined) => (r ? `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}` : '');
const WRITE_MARK = /^\(write\)\s*/i;
const isCommand = (s: string) => /^(kubectl|helm|oc|curl|syntra)\s/.test(s.trim().replace(WRITE_MARK, ''));

export function renderRequiredInfo(term: Terminal, answer: AskAnswer, inRepl = false): string {
  const c = term.color;
  const missing = missingInfo(answer);
  const lines = [c.yellow(`Syntra needs more information: ${missing.join(', ')}`)];
  const text = hintText(answer) ?? answer.answer ?? answer.response;
  if (text) lines.push(`  ${text}`);
  for (const field of missing) {
    const candidates = hintCandidates(answer, field);
    if (candidates.length) lines.push(`  ${field} candidates: ${candidates.map((x) => c.cyan(x)).join(', ')}`);
  }
  const flag = missing.includes('namespace') ? ' --namespace <namespace>' : '';
  if (!inRepl) lines.push(c.dim(`  Ask again with the missing detail${flag ? `, e.g. add${flag}` : ' in the question'}.`));
  return `${lines.join('\n')}\n`;
}

export function remediationLines(term: Terminal, r: Remediation): string[] {
  const c = term.color;
  const writes = new Set((r.writes ?? []).map((w) => w.trim()));
  const step = (raw: string) => {
    // The investigator marks write steps "(write) kubectl …"; the mark becomes the label.
    const s = raw.trim().replace(WRITE_MARK, '');
    if (!isCommand(s)) return `    • ${s}`;
    const cmd = `    $ ${s}`;
    return writes.has(s) || WRITE_MARK.test(raw.trim()) ? `${c.yellow(cmd)}  ${c.yellow.bold('[write — needs approval]')}` : c.cyan(cmd);
  };
  const out: string[] = [];
  const section = (title: string, items: string[] | undefined) => {
    if (!items?.length) return;
    out.push(`  ${c.bold(title)}`, ...items.map(step));
  };
  section('Now', r.immediate);
  // Writes not already listed among the immediate steps still need to be seen.
  section('Changes (need approval)', (r.writes ?? []).filter((w) => !r.immediate?.some((s) => s.trim().replace(WRITE_MARK, '') === w.trim())));
  section('Verify', r.verification);
  section('Prevent', r.prevention);
  return out;
}

function evidenceLine(term: Terminal, e: EvidenceItem): string {
  const where = [e.resource ? ref(e.resource) : '', e.path ?? ''].filter(Boolean).join(' ');
  return `  ${term.color.dim(`[${e.kind}]`)} ${where ? `${term.color.dim(where)} ` : ''}${e.value}`;
}

export function renderAnswer(term: Terminal, answer: AskAnswer, runId?: string, inRepl = false): string {
  if (missingInfo(answer).length) return renderRequiredInfo(term, answer, inRepl);
  const c = term.color;
  const lines: string[] = [];
  const text = answer.answer ?? answer.response;
  const d = answer.diagnosis;
  if (!d) {
    if (text) lines.push(text);
  } else {
    const rc = d.root_cause;
    const healthy = rc.type === 'no_issue_found';
    lines.push('');
    lines.push(`${c.bold('Root cause')}  ${healthy ? c.green(rc.type) : c.red.bold(rc.type)}  ${c.dim(`confidence ${percent(rc.confidence)} · ${rc.detection_method}`)}`);
    if (d.target) lines.push(`${c.dim('Target')}      ${ref(d.target)}`);
    lines.push(`  ${rc.summary}`);
    // The short answer restates the root cause; print it only when it says something more.
    if (text && !text.includes(rc.summary.trim())) lines.push('', text);
    if (rc.evidence?.length) {
      lines.push('', c.bold('Evidence'));
      lines.push(...rc.evidence.slice(0, 8).map((e) => evidenceLine(term, e)));
      if (rc.evidence.length > 8) lines.push(c.dim(`  … ${rc.evidence.length - 8} more (--json shows all)`));
    }
    const others = (d.findings ?? []).slice(1);
    if (others.length) {
      lines.push('', c.bold('Also found'));
      lines.push(...others.slice(0, 5).map((f) => `  • ${f.type} ${c.dim(percent(f.confidence))} — ${f.summary}`));
    }
    if (d.remediation) {
      const rem = remediationLines(term, d.remediation);
      if (rem.length) lines.push('', c.bold('Remediation'), ...rem);
    }
    if (d.affected_resources?.length) lines.push('', `${c.dim('Affected')}    ${d.affected_resources.map(ref).join(', ')}`);
  }
  const actions = answer.proposedActions ?? [];
  if (actions.length) {
    lines.push('', c.bold('Proposed actions'));
    for (const a of actions) {
      const what = `${a.action} ${a.target.kind.toLowerCase()}/${a.target.name}${a.target.namespace ? ` -n ${a.target.namespace}` : ''} ${Object.entries(a.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}`.trim();
      const state = a.id ? `${c.dim(`action ${a.id}`)}${a.waiting ? ` ${c.yellow(a.waiting)}` : ''}` : c.dim('read-only: no executor configured, run it yourself after review');
      lines.push(`  • ${what}  ${state}`);
    }
  }
  if (answer.recurrence) lines.push('', `${c.yellow.bold('Recurring')}   ${answer.recurrence.text}`);
  const similar = answer.similarIncidents;
  if (Array.isArray(similar) && similar.length) lines.push('', c.bold('Similar past incidents'), ...similarLines(term, similar.slice(0, 3)));
  const usage = modelUsageLine(term, answer.model);
  if (usage) lines.push('', usage);
  const refs = [answer.incidentId ? `incident ${answer.incidentId}` : '', runId ? `run ${runId}` : ''].filter(Boolean);
  if (refs.length) lines.push('', c.dim(refs.join(' · ')));
  return `${lines.join('\n')}\n`;
}
