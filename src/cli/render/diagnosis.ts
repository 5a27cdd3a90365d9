import type { Diagnosis, EvidenceItem, Finding, Remediation, ResourceRef } from '../../domain/diagnosis.js';
import type { Terminal } from '../output/terminal.js';
import { percent } from './formatting.js';

/**
 * Human output of `syntra diagnose`: the target, the root cause (type, confidence, how it was
 * detected), its summary, the evidence quoted exactly, the symptoms it explains, and the
 * remediation — write commands marked as needing approval, verification commands copyable as-is.
 * Colour comes from the terminal (none when piped or NO_COLOR), so the text reads the same plain.
 */
const WRITE_PREFIX = /^\(write\)\s*/;
const COMMAND = /^(kubectl|helm|oc|curl|syntra)\s/;
const MAX_EVIDENCE = 8;
const MAX_FINDINGS = 6;

export const refText = (r: ResourceRef | undefined): string =>
  r ? `${r.kind}/${r.name}${r.namespace ? ` (namespace ${r.namespace})` : ''}` : '';

const shortRef = (r: ResourceRef): string => `${r.kind.toLowerCase()}/${r.name}`;

/** The text of one evidence item, with where it comes from: log lines and event messages quoted. */
export function evidenceLines(term: Terminal, e: EvidenceItem): string[] {
  const c = term.color;
  const source = [e.resource ? shortRef(e.resource) : '', e.path ?? ''].filter(Boolean).join(' ');
  const head = `    ${c.dim(e.kind.padEnd(6))} ${source}`;
  const quoted = `"${e.value}"`;
  // Fields read as `path = "value"` on one line; log lines and events get a line of their own.
  if ((e.kind === 'field' || e.kind === 'spec' || e.kind === 'metric') && quoted.length + source.length < 110) return [`${head} = ${c.yellow(quoted)}`];
  return [head, `           ${c.yellow(quoted)}`];
}

function remediationLines(term: Terminal, r: Remediation): string[] {
  const c = term.color;
  const writes = new Set((r.writes ?? []).map((w) => w.trim()));
  const step = (raw: string): string => {
    const marked = WRITE_PREFIX.test(raw);
    const text = raw.replace(WRITE_PREFIX, '').trim();
    if (!COMMAND.test(text)) return `    • ${text}`;
    if (marked || writes.has(text)) return `    ${c.yellow(`$ ${text}`)}   ${c.yellow.bold('[write: needs your approval]')}`;
    return `    ${c.cyan(`$ ${text}`)}`;
  };
  const out: string[] = [];
  const section = (title: string, items: readonly string[]) => {
    if (items.length) out.push(`  ${c.bold(title)}`, ...items.map(step));
  };
  const immediate = r.immediate ?? [];
  const listed = new Set(immediate.map((s) => s.replace(WRITE_PREFIX, '').trim()));
  section('Now', [...immediate, ...[...writes].filter((w) => !listed.has(w)).map((w) => `(write) ${w}`)]);
  section('Verify (read-only, copy and run)', r.verification ?? []);
  section('Prevent', r.prevention ?? []);
  return out;
}

const findingLine = (term: Terminal, f: Finding): string =>
  `  • ${term.color.bold(f.type)} ${term.color.dim(percent(f.confidence))}  ${f.summary}`;

/** One diagnosis as a block of text (ends with a newline). */
export function renderDiagnosis(term: Terminal, d: Diagnosis): string {
  const c = term.color;
  const rc = d.root_cause;
  const healthy = rc.type === 'no_issue_found';
  const lines: string[] = [];
  lines.push(`${c.bold(refText(d.target))}`);
  const typeText = healthy ? c.green.bold(rc.type) : rc.type === 'unknown' ? c.yellow.bold(rc.type) : c.red.bold(rc.type);
  lines.push(`${c.bold('Root cause')}  ${typeText}  ${c.dim(`confidence ${percent(rc.confidence)} · ${rc.detection_method.replace(/_/g, ' ')}`)}`);
  lines.push(`  ${rc.summary}`);

  if (rc.evidence.length) {
    lines.push('', c.bold('Evidence'));
    for (const e of rc.evidence.slice(0, MAX_EVIDENCE)) lines.push(...evidenceLines(term, e));
    if (rc.evidence.length > MAX_EVIDENCE) lines.push(c.dim(`    … ${rc.evidence.length - MAX_EVIDENCE} more (--json shows all)`));
  }

  const root = d.findings[0];
  const others = d.findings.slice(1);
  if (others.length) {
    const explained = (root?.explains?.length ?? 0) > 0;
    lines.push('', c.bold(explained ? 'Symptoms (explained by the root cause)' : 'Also found'));
    if (explained && root?.explains) lines.push(`  ${c.dim(`${rc.type} explains ${root.explains.map(shortRef).join(', ')}`)}`);
    lines.push(...others.slice(0, MAX_FINDINGS).map((f) => findingLine(term, f)));
    if (others.length > MAX_FINDINGS) lines.push(c.dim(`  … ${others.length - MAX_FINDINGS} more (--json shows all)`));
  }

  const runnersUp = (d.hypotheses ?? []).slice(1);
  if (!healthy && runnersUp.length) {
    lines.push('', c.bold('Other hypotheses (rule out with the command)'));
    for (const h of runnersUp) {
      lines.push(`  • ${c.bold(h.type)} ${c.dim(percent(h.confidence))}  ${h.summary}`);
      if (h.evidence_against.length) lines.push(`      ${c.dim(`against: ${h.evidence_against.join('; ')}`)}`);
      lines.push(`      ${c.cyan(`$ ${h.check}`)}`);
    }
  }

  if (!healthy) {
    const rem = remediationLines(term, d.remediation);
    if (rem.length) lines.push('', c.bold('Remediation'), ...rem);
  }
  if (d.affected_resources.length > 1) lines.push('', `${c.dim('Affected')}  ${d.affected_resources.map(shortRef).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Several diagnoses (no target given): a one-line summary, then each block under a rule. */
export function renderDiagnoses(term: Terminal, diagnoses: readonly Diagnosis[], scope: string): string {
  const c = term.color;
  const problems = diagnoses.filter((d) => d.root_cause.type !== 'no_issue_found');
  const head = problems.length
    ? c.bold(`${problems.length} problem${problems.length === 1 ? '' : 's'} found in ${scope}`)
    : c.green.bold(`No problems found in ${scope}`);
  const rule = c.dim('─'.repeat(Math.min(term.columns, 80)));
  const list = problems.map((d, i) => `  ${i + 1}. ${shortRef(d.target)}  ${c.red(d.root_cause.type)}`);
  const blocks = diagnoses.map((d) => renderDiagnosis(term, d));
  return [head, ...list, '', ...blocks.flatMap((b) => [rule, b])].join('\n');
}
