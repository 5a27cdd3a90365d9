import { now, percentile, runConcurrently, sleep } from '../lib/timing.js';
import { statusCounts, submitWithRetries, type SubmitOutcome } from './client.js';
import type { ChaosStack } from './stack.js';
import { verify, type Verdict } from './verify.js';

/** The two long chaos runs of `npm run chaos`, each judged by verify() against the database. */
export interface StormResult {
  submits: number;
  clients: number;
  durationMs: number;
  statuses: Record<string, number>;
  retried: number;
  gaveUp: number;
  p50: number;
  p95: number;
  p99: number;
  verdict: Verdict;
  /** Processes that died during the run (see ChaosStack.crashed). */
  crashed: string[];
}

/** `submits` echo commands from `clients` concurrent clients, each with its own key and retries. */
export async function submitStorm(stack: ChaosStack, o: { submits: number; clients: number }): Promise<StormResult> {
  const prefix = `storm-${Date.now()}-`;
  const origin = now();
  const outcomes: SubmitOutcome[] = new Array(o.submits);
  await runConcurrently(o.submits, o.clients, async (i) => {
    outcomes[i] = await submitWithRetries(`${prefix}${i}`, { kind: 'echo', input: { i } }, { base: stack.base, auth: stack.auth, maxAttempts: 20, origin });
  });
  const durationMs = now() - origin;
  const latencies = outcomes.map((x) => x.latencyMs);
  return {
    submits: o.submits,
    clients: o.clients,
    durationMs,
    statuses: statusCounts(outcomes),
    retried: outcomes.filter((x) => x.attempts > 1).length,
    gaveUp: outcomes.filter((x) => x.runId === undefined).length,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    verdict: await verify(stack.db, prefix, outcomes),
    crashed: stack.crashed(),
  };
}

export interface RestartResult {
  clients: number;
  durationMs: number;
  submits: number;
  statuses: Record<string, number>;
  gaveUp: number;
  /** PostgreSQL stopped at / started again at, ms since the scenario began. */
  stoppedAt: number;
  startedAt: number;
  /** From PostgreSQL accepting connections again to the next acknowledged submit. */
  recoveryMs: number;
  /** Longest stretch without any acknowledged submit, as the clients saw it. */
  longestGapMs: number;
  verdict: Verdict;
  crashed: string[];
}

/**
 * Clients submit continuously for `seconds`; after `stopAfter` seconds PostgreSQL is stopped
 * (`pg_ctl stop -m fast`: every connection dropped) and started again `downSeconds` later.
 */
export async function postgresRestartUnderLoad(
  stack: ChaosStack,
  o: { clients: number; seconds: number; stopAfter: number; downSeconds: number },
): Promise<RestartResult> {
  const prefix = `restart-${Date.now()}-`;
  const origin = now();
  const deadline = origin + o.seconds * 1000;
  const outcomes: SubmitOutcome[] = [];
  let next = 0;
  const client = async () => {
    while (now() < deadline) {
      const i = next++;
      outcomes.push(await submitWithRetries(`${prefix}${i}`, { kind: 'echo', input: { i } }, { base: stack.base, auth: stack.auth, maxAttempts: 60, origin }));
    }
  };
  const chaos = (async () => {
    await sleep(o.stopAfter * 1000);
    const stoppedAt = now() - origin;
    await stack.postgres.stop('fast');
    await sleep(o.downSeconds * 1000);
    await stack.postgres.start();
    return { stoppedAt, startedAt: now() - origin };
  })();
  const [, window] = await Promise.all([Promise.all(Array.from({ length: o.clients }, client)), chaos]);
  const durationMs = now() - origin;
  const acks = outcomes.map((x) => x.ackedAt).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const firstAfter = acks.find((t) => t >= window.startedAt);
  let longestGapMs = 0;
  for (let i = 1; i < acks.length; i++) longestGapMs = Math.max(longestGapMs, acks[i]! - acks[i - 1]!);
  return {
    clients: o.clients,
    durationMs,
    submits: outcomes.length,
    statuses: statusCounts(outcomes),
    gaveUp: outcomes.filter((x) => x.runId === undefined).length,
    ...window,
    recoveryMs: firstAfter === undefined ? Number.NaN : firstAfter - window.startedAt,
    longestGapMs,
    verdict: await verify(stack.db, prefix, outcomes),
    crashed: stack.crashed(),
  };
}
