import type { Tuning } from './system.js';

/**
 * The settings sweep: each system's throughput knobs, claim→complete only, so that every system
 * is compared at its best (issue 17). The best point of each family then runs every scenario.
 */
export type Family = 'syntra' | 'graphile' | 'pgboss';

export interface SweepPoint {
  family: Family;
  /** What differs from the run's tuning (shown in the sweep table). */
  knobs: string;
  tuning: Partial<Tuning>;
  graphileLocalQueue?: number;
  pgboss?: { loops: number; batchSize: number };
}

export interface SweepResult {
  point: SweepPoint;
  claim: number | string;
}

export function sweepGrid(quick: boolean): SweepPoint[] {
  const points: SweepPoint[] = [];
  const cross = <A, B>(as: readonly A[], bs: readonly B[]) => as.flatMap((a) => bs.map((b) => [a, b] as const));
  for (const [size, concurrency] of cross(quick ? [17, 500] : [17, 100, 500, 1000], quick ? [16] : [10, 16, 20])) {
    points.push({ family: 'graphile', knobs: `localQueue.size ${size}, concurrency ${concurrency}`, tuning: { concurrency }, graphileLocalQueue: size });
  }
  for (const [loops, batchSize] of cross(quick ? [4] : [4, 8], quick ? [100] : [100, 500])) {
    points.push({ family: 'pgboss', knobs: `${loops} loops, batchSize ${batchSize}`, tuning: {}, pgboss: { loops, batchSize } });
  }
  for (const [concurrency, prefetch] of cross(quick ? [16] : [16, 32], quick ? [16, 64] : [16, 64, 200])) {
    points.push({ family: 'syntra', knobs: `concurrency ${concurrency}, prefetch ${prefetch}`, tuning: { concurrency, syntraPrefetch: prefetch } });
  }
  return points;
}

/** The best point of a family (highest claim→complete); undefined when none of its points ran. */
export function bestOf(results: readonly SweepResult[], family: Family): SweepResult | undefined {
  let best: SweepResult | undefined;
  for (const r of results) {
    if (r.point.family !== family || typeof r.claim !== 'number') continue;
    if (!best || r.claim > (best.claim as number)) best = r;
  }
  return best;
}

const NAMES: Record<Family, string> = { syntra: 'Syntra (worker runtime, in-process bus)', graphile: 'graphile-worker 0.17.3', pgboss: 'pg-boss 10.4.2' };

export function sweepTable(results: readonly SweepResult[]): string {
  const best = new Set((['syntra', 'graphile', 'pgboss'] as const).map((f) => bestOf(results, f)));
  const rows = results.map((r) => {
    const v = typeof r.claim === 'number' ? Math.round(r.claim).toLocaleString('en-US') : r.claim;
    return `| ${NAMES[r.point.family]} | ${r.point.knobs} | ${best.has(r) ? `**${v}** (best)` : v} |`;
  });
  return ['| system | settings | claim→complete (tasks/s) |', '|---|---|---:|', ...rows].join('\n');
}
