import type { RootCauseType } from '../../src/domain/diagnosis.js';
import { diagnose } from '../../src/investigator/diagnose.js';
import type { DiagnosisCase } from '../../test/fixtures/diagnosis/corpus.js';

/**
 * Expected × predicted root-cause type over the fixture corpus (test/fixtures/diagnosis/cases),
 * plus whether the summary names the concrete cause the case expects. Printed sparse: one row per
 * expected type with what it was predicted as, since a 30 × 30 grid of mostly zeros hides the errors.
 */
export interface ConfusionResult {
  cases: number;
  correct: number;
  /** Correct type and every expected substring in the summary. */
  namesCause: number;
  /** expected → predicted → count */
  matrix: Map<RootCauseType, Map<RootCauseType | 'error', number>>;
  misses: { name: string; expected: RootCauseType; predicted: RootCauseType | 'error'; summary: string }[];
}

export function confusion(corpus: readonly DiagnosisCase[]): ConfusionResult {
  const matrix: ConfusionResult['matrix'] = new Map();
  const misses: ConfusionResult['misses'] = [];
  let correct = 0;
  let namesCause = 0;
  for (const c of corpus) {
    let predicted: RootCauseType | 'error';
    let summary = '';
    try {
      const d = diagnose(c.snapshot, c.target);
      predicted = d.root_cause.type;
      summary = d.root_cause.summary;
    } catch (e) {
      predicted = 'error';
      summary = e instanceof Error ? e.message : String(e);
    }
    const row = matrix.get(c.expect.type) ?? new Map<RootCauseType | 'error', number>();
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    matrix.set(c.expect.type, row);
    if (predicted === c.expect.type) {
      correct += 1;
      if (c.expect.summaryContains.every((s) => summary.includes(s))) namesCause += 1;
    } else misses.push({ name: c.name, expected: c.expect.type, predicted, summary });
  }
  return { cases: corpus.length, correct, namesCause, matrix, misses };
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`);

export function confusionMarkdown(r: ConfusionResult): string {
  const lines = [
    `Accuracy: **${r.correct}/${r.cases} = ${pct(r.correct, r.cases)}** (root-cause type); summary names the expected concrete cause in ${r.namesCause}/${r.cases} (${pct(r.namesCause, r.cases)}).`,
    '',
    '| expected type | cases | correct | predicted as (count) |',
    '|---|---:|---:|---|',
  ];
  for (const [expected, row] of [...r.matrix.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    const ok = row.get(expected) ?? 0;
    const predicted = [...row.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => (t === expected ? `${t} ×${n}` : `**${t} ×${n}**`)).join(', ');
    lines.push(`| ${expected} | ${total} | ${ok} | ${predicted} |`);
  }
  if (r.misses.length) {
    lines.push('', 'Misclassified cases:', '');
    for (const m of r.misses) lines.push(`- \`${m.name}\`: expected ${m.expected}, got ${m.predicted} — ${m.summary.slice(0, 160)}`);
  }
  return lines.join('\n');
}
