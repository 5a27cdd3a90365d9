import { loadRealCorpus, runRealCase, scoreRealCase, type Batch, type RealCase } from '../../test/fixtures/diagnosis/real/corpus.js';

/**
 * The real-world corpus scored the way docs/benchmarks.md reports it: accuracy on type and on
 * type plus cause words, a sparse confusion table (label → answered as), the confidently wrong
 * answers (wrong at ≥ 0.7), and those among questions about something that does not exist.
 */
export interface RealScoreSummary {
  /** What was scored, e.g. "first batch, tuning half". */
  half: string;
  /** Per-case results are listed only for tuning halves: nobody tunes against a frozen half's cases. */
  listMisses: boolean;
  cases: number;
  typeOk: number;
  correct: number;
  confidentlyWrong: number;
  notFoundCases: number;
  notFoundConfidentlyWrong: number;
  errors: number;
  matrix: Map<string, Map<string, number>>;
  /** Per input form (a case counts once under each form among its inputs): totals only, safe to show for a frozen half. */
  byForm: Map<string, FormTally>;
  misses: { id: string; want: string; got: string; confidence: number; missing: string[] }[];
}


export interface FormTally {
  cases: number;
  correct: number;
  unknown: number;
}

export async function scoreHalf(half: 'tuning' | 'frozen' | 'all', batch: Batch): Promise<RealScoreSummary> {
  const cases = loadRealCorpus(half === 'all' ? undefined : half, batch);
  return scoreCases(`${batch} batch, ${half === 'all' ? 'both halves' : `${half} half`}`, cases, half === 'tuning');
}

export async function scoreCases(what: string, cases: RealCase[], listMisses: boolean): Promise<RealScoreSummary> {
  const s: RealScoreSummary = { half: what, listMisses, cases: cases.length, typeOk: 0, correct: 0, confidentlyWrong: 0, notFoundCases: 0, notFoundConfidentlyWrong: 0, errors: 0, matrix: new Map(), byForm: new Map(), misses: [] };
  for (const c of cases) {
    const a = await runRealCase(c);
    const r = scoreRealCase(c, a);
    const label = c.label.types[0]!;
    const row = s.matrix.get(label) ?? new Map<string, number>();
    const got = r.typeOk ? label : a.type;
    row.set(got, (row.get(got) ?? 0) + 1);
    s.matrix.set(label, row);
    if (r.typeOk) s.typeOk += 1;
    if (r.correct) s.correct += 1;
    if (r.confidentlyWrong) s.confidentlyWrong += 1;
    if (a.type === 'error') s.errors += 1;
    for (const form of new Set(c.inputs.map((i) => i.form))) {
      const t = s.byForm.get(form) ?? { cases: 0, correct: 0, unknown: 0 };
      t.cases += 1;
      if (r.correct) t.correct += 1;
      if (a.type === 'unknown') t.unknown += 1;
      s.byForm.set(form, t);
    }
    if (c.label.types.includes('not_found')) {
      s.notFoundCases += 1;
      if (r.confidentlyWrong) s.notFoundConfidentlyWrong += 1;
    }
    if (!r.correct && listMisses) s.misses.push({ id: c.id, want: c.label.types.join('|'), got: a.type, confidence: a.confidence, missing: r.missingWords });
  }
  return s;
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`);

export function realScoreMarkdown(s: RealScoreSummary): string {
  const lines = [
    `**${s.half}: ${s.correct}/${s.cases} = ${pct(s.correct, s.cases)}** right (an accepted type and every cause word); type alone ${s.typeOk}/${s.cases} = ${pct(s.typeOk, s.cases)}. ` +
      `Confidently wrong (wrong at confidence ≥ 0.7): **${s.confidentlyWrong}**; on questions about something not in the evidence: **${s.notFoundConfidentlyWrong}** of ${s.notFoundCases}. Runs that failed: ${s.errors}.`,
    '',
    '| label (first accepted type) | cases | right type | answered as (count) |',
    '|---|---:|---:|---|',
  ];
  for (const [label, row] of [...s.matrix.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    const ok = row.get(label) ?? 0;
    const answered = [...row.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => (t === label ? `${t} ×${n}` : `**${t} ×${n}**`)).join(', ');
    lines.push(`| ${label} | ${total} | ${ok} | ${answered} |`);
  }
  if (s.listMisses && s.misses.length) {
    lines.push('', `Wrong answers (${s.misses.length}):`, '');
    for (const m of s.misses) lines.push(`- \`${m.id}\`: label ${m.want}, answered ${m.got} at ${m.confidence}${m.missing.length ? `; cause words missing: ${m.missing.join(', ')}` : ''}`);
  }
  return lines.join('\n');
}

/** One line per scored set, for the console. */
export const realScoreLine = (s: RealScoreSummary): string =>
  `  ${s.half.padEnd(32)} ${String(s.correct).padStart(3)}/${String(s.cases).padEnd(3)} right (${pct(s.correct, s.cases)}), type ${s.typeOk}/${s.cases}, confidently wrong ${s.confidentlyWrong} (not-found questions: ${s.notFoundConfidentlyWrong}/${s.notFoundCases}), failed runs ${s.errors}`;

/** The wrong answers of a tuning half, for whoever improves the rules; frozen halves are never listed. */
export function realMissLines(s: RealScoreSummary): string[] {
  if (!s.listMisses) return [];
  return s.misses.map((m) => `    ${m.id}: label ${m.want}, answered ${m.got} at ${m.confidence}${m.missing.length ? `; cause words missing: ${m.missing.join(', ')}` : ''}`);
}

/**
 * Right answers by input form, pooled over several scored sets (e.g. every frozen half): which
 * shapes of evidence the investigator still reads badly, without listing a single case.
 */
export function formTableMarkdown(what: string, sets: RealScoreSummary[]): string {
  const pooled = new Map<string, FormTally>();
  for (const s of sets) {
    for (const [form, t] of s.byForm) {
      const p = pooled.get(form) ?? { cases: 0, correct: 0, unknown: 0 };
      pooled.set(form, { cases: p.cases + t.cases, correct: p.correct + t.correct, unknown: p.unknown + t.unknown });
    }
  }
  const rows = [...pooled.entries()].sort((a, b) => b[1].cases - a[1].cases || a[0].localeCompare(b[0]));
  return [
    `${what}, by input form (a case counts under each form among its inputs):`,
    '',
    '| input form | cases | right | answered `unknown` |',
    '|---|---:|---:|---:|',
    ...rows.map(([form, t]) => `| ${form} | ${t.cases} | ${t.correct} (${pct(t.correct, t.cases)}) | ${t.unknown} |`),
  ].join('\n');
}
