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

/** The targets, judged on this run's numbers. */
export function checkTargets(rows: readonly Row[], syntraLabel: string, graphileLabel: string): TargetCheck[] {
  const syntra = rows.find((r) => r.label === syntraLabel);
  const graphile = rows.find((r) => r.label === graphileLabel);
  const checks: TargetCheck[] = [];
  if (syntra && graphile && typeof syntra.claim === 'number' && typeof graphile.claim === 'number') {
    checks.push({
      text: `claim→complete: ${syntraLabel} ${rate(syntra.claim)} tasks/s vs ${graphileLabel} ${rate(graphile.claim)} tasks/s (target: at least graphile-worker's)`,
      met: syntra.claim >= graphile.claim,
    });
  }
  if (syntra && typeof syntra.latency !== 'string') {
    checks.push({ text: `submit→claim p50: ${ms(syntra.latency.p50)} ms (target ≤ 5 ms)`, met: syntra.latency.p50 <= 5 });
  }
  return checks;
}
