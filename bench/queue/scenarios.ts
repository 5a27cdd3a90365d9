import { now, percentile, runConcurrently, sleep, waitUntil, withTimeout } from '../lib/timing.js';
import type { JobProbe, QueueSystem } from './system.js';

/**
 * The three measurements, identical for every system. Every wait is bounded.
 *
 * - claim→complete: N jobs preloaded with no worker running, then workers start; the clock runs
 *   from the first handler start until the database shows every job completed.
 * - submit→complete: workers running and idle; P producers submit N jobs one call at a time;
 *   the clock runs from the first submit until the database shows every job completed.
 * - submit→claim latency: workers idle; jobs submitted one at a time with a gap between them;
 *   each sample runs from just before the submit call to the handler's start (same process).
 */
export interface ScenarioLimits {
  /** Upper bound for one scenario's wait; exceeding it fails the system's row, not the run. */
  timeoutMs: number;
}

/** Records handler starts by seq; seqs are unique across a whole run. */
export class StartLog implements JobProbe {
  readonly starts = new Map<number, number>();
  first = Number.POSITIVE_INFINITY;

  started(seq: number): void {
    const t = now();
    if (!this.starts.has(seq)) this.starts.set(seq, t);
    if (t < this.first) this.first = t;
  }

  countIn(from: number, n: number): number {
    let c = 0;
    for (let s = from; s < from + n; s++) if (this.starts.has(s)) c++;
    return c;
  }
}

let nextSeq = 1;
const takeSeqs = (n: number): number => {
  const first = nextSeq;
  nextSeq += n;
  return first;
};

async function waitDrained(sys: QueueSystem, log: StartLog, first: number, n: number, limits: ScenarioLimits): Promise<void> {
  // Handler starts are counted in memory (no load on the database); once all have started, the
  // database is asked until it shows every completion committed.
  let seen = 0;
  await waitUntil(`${sys.label}: ${n} handler starts`, () => (seen = log.countIn(first, n)) >= n, limits.timeoutMs, 2).catch((e: unknown) => {
    throw new Error(`${(e as Error).message} (saw ${seen})`);
  });
  await waitUntil(`${sys.label}: completions committed`, async () => (await sys.pending()) === 0, limits.timeoutMs, 5);
}

async function stopWorkers(sys: QueueSystem): Promise<void> {
  await withTimeout(`${sys.label}: stopping workers`, sys.stopWorkers(), 30_000);
}

/** Pushes a few hundred jobs through once, so connections, prepared plans and JIT are warm. */
export async function warmUp(sys: QueueSystem, jobs: number, limits: ScenarioLimits): Promise<void> {
  const log = new StartLog();
  await withTimeout(`${sys.label}: start workers`, sys.startWorkers(log), 30_000);
  try {
    const first = takeSeqs(jobs);
    if (sys.scenarios.has('submit')) await runConcurrently(jobs, 4, (i) => sys.submit(first + i));
    else await sys.preload(first, jobs);
    await waitDrained(sys, log, first, jobs, limits);
  } finally {
    await stopWorkers(sys);
  }
}

export async function claimToComplete(sys: QueueSystem, jobs: number, limits: ScenarioLimits): Promise<number> {
  const first = takeSeqs(jobs);
  await withTimeout(`${sys.label}: preload`, sys.preload(first, jobs), limits.timeoutMs);
  await sys.analyze();
  const log = new StartLog();
  await withTimeout(`${sys.label}: start workers`, sys.startWorkers(log), 30_000);
  try {
    await waitDrained(sys, log, first, jobs, limits);
    const elapsedMs = now() - log.first;
    return jobs / (elapsedMs / 1000);
  } finally {
    await stopWorkers(sys);
  }
}

export async function submitToComplete(sys: QueueSystem, jobs: number, producers: number, limits: ScenarioLimits): Promise<number> {
  const log = new StartLog();
  await withTimeout(`${sys.label}: start workers`, sys.startWorkers(log), 30_000);
  try {
    await sleep(200);
    const first = takeSeqs(jobs);
    const t0 = now();
    await withTimeout(`${sys.label}: submitting`, runConcurrently(jobs, producers, (i) => sys.submit(first + i)), limits.timeoutMs);
    await waitDrained(sys, log, first, jobs, limits);
    return jobs / ((now() - t0) / 1000);
  } finally {
    await stopWorkers(sys);
  }
}

export interface LatencyResult {
  p50: number;
  p99: number;
  /** p50 of the submit call alone (it is part of every sample). */
  submitP50: number;
  samples: number;
}

export async function submitToClaimLatency(sys: QueueSystem, jobs: number, gapMs: number, limits: ScenarioLimits): Promise<LatencyResult> {
  const log = new StartLog();
  await withTimeout(`${sys.label}: start workers`, sys.startWorkers(log), 30_000);
  try {
    await sleep(300);
    const first = takeSeqs(jobs);
    const submittedAt = new Map<number, number>();
    const submitMs: number[] = [];
    const deadline = now() + limits.timeoutMs;
    for (let i = 0; i < jobs; i++) {
      if (now() > deadline) throw new Error(`${sys.label}: latency submits exceeded the time limit`);
      const seq = first + i;
      const t0 = now();
      submittedAt.set(seq, t0);
      await sys.submit(seq);
      submitMs.push(now() - t0);
      await sleep(gapMs);
    }
    await waitDrained(sys, log, first, jobs, limits);
    const sample = [...submittedAt].map(([seq, t]) => log.starts.get(seq)! - t);
    return { p50: percentile(sample, 0.5), p99: percentile(sample, 0.99), submitP50: percentile(submitMs, 0.5), samples: sample.length };
  } finally {
    await stopWorkers(sys);
  }
}
