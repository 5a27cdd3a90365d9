import type { LatencyResult } from './scenarios.js';

/** One system's row; a scenario that failed or does not apply holds an explanation instead. */
export interface Row {
  label: string;
  settings: string;
  claim: number | string;
  submit: number | string;
  latency: LatencyResult | string;
}

const rate = (v: number | string): string => (typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : v);
const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));

export function markdownTable(rows: readonly Row[]): string {
  const head = [
    '| system | claim→complete (tasks/s) | submit→complete (tasks/s) | submit→claim p50 (ms) | submit→claim p99 (ms) | of which submit call, p50 (ms) |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const body = rows.map((r) => {
    const lat = typeof r.latency === 'string' ? [r.latency, r.latency, r.latency] : [ms(r.latency.p50), ms(r.latency.p99), ms(r.latency.submitP50)];
    return `| ${r.label} | ${rate(r.claim)} | ${rate(r.submit)} | ${lat[0]} | ${lat[1]} | ${lat[2]} |`;
  });
  return [...head, ...body].join('\n');
}

export function settingsList(rows: readonly Row[]): string {
  return rows.map((r) => `- **${r.label}**: ${r.settings}`).join('\n');
}

export interface TargetCheck {
  text: string;
  met: boolean | undefined;
}

/** The targets (17), judged on this run's numbers. */
export function checkTargets(rows: readonly Row[], labels: { syntra: string; graphile: string; pglite: string }): TargetCheck[] {
  const find = (label: string) => rows.find((r) => r.label === label);
  const syntra = find(labels.syntra);
  const graphile = find(labels.graphile);
  const pglite = find(labels.pglite);
  const checks: TargetCheck[] = [];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  if (syntra && graphile && typeof syntra.claim === 'number' && typeof graphile.claim === 'number') {
    checks.push({
      text: `claim→complete ≥ 1.0× graphile-worker: ${rate(syntra.claim)} vs ${rate(graphile.claim)} tasks/s (${ratio(syntra.claim, graphile.claim)})`,
      met: syntra.claim >= graphile.claim,
    });
  }
  if (syntra && graphile && typeof syntra.submit === 'number' && typeof graphile.submit === 'number') {
    checks.push({
      text: `submit→complete ≥ 1.2× graphile-worker: ${rate(syntra.submit)} vs ${rate(graphile.submit)} tasks/s (${ratio(syntra.submit, graphile.submit)})`,
      met: syntra.submit >= 1.2 * graphile.submit,
    });
  }
  if (syntra && graphile && typeof syntra.latency !== 'string' && typeof graphile.latency !== 'string') {
    checks.push({
      text: `submit→claim p50 ≤ graphile-worker's: ${ms(syntra.latency.p50)} vs ${ms(graphile.latency.p50)} ms`,
      met: syntra.latency.p50 <= graphile.latency.p50,
    });
  }
  if (syntra && typeof syntra.latency !== 'string') {
    checks.push({ text: `submit→claim p99 ≤ 5 ms: ${ms(syntra.latency.p99)} ms`, met: syntra.latency.p99 <= 5 });
  }
  if (pglite && typeof pglite.claim === 'number') {
    checks.push({ text: `embedded (PGlite) claim→complete ≥ 2,000 tasks/s: ${rate(pglite.claim)} tasks/s`, met: pglite.claim >= 2000 });
  }
  return checks;
}
