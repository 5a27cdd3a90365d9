import { now, sleep } from '../lib/timing.js';

/**
 * A well-behaved API client under chaos: every submit carries an Idempotency-Key and is retried
 * with the same key on a network error, a 5xx or a 429 (waiting Retry-After when the server says
 * so, else capped exponential backoff), until it is acknowledged (201 new, 200 replay) or the
 * attempts run out. Every answer is recorded for the report.
 */
export interface SubmitOutcome {
  key: string;
  runId: string | undefined;
  attempts: number;
  /** Status of every attempt; 0 for a network error. */
  statuses: number[];
  /** First attempt to acknowledgement (or giving up). */
  latencyMs: number;
  /** When it was acknowledged, ms since the scenario started. */
  ackedAt: number | undefined;
}

export interface SubmitOptions {
  base: string;
  auth: Record<string, string>;
  maxAttempts: number;
  /** Scenario start (now()), so outcomes can be placed on a timeline. */
  origin: number;
}

const RETRY_STATUSES = (s: number) => s === 0 || s === 429 || s >= 500;

export async function submitWithRetries(key: string, body: unknown, o: SubmitOptions): Promise<SubmitOutcome> {
  const started = now();
  const statuses: number[] = [];
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    let status = 0;
    let retryAfterMs: number | undefined;
    try {
      const res = await fetch(`${o.base}/v1/commands/submit`, {
        method: 'POST',
        headers: { ...o.auth, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      const text = await res.text();
      if (status === 200 || status === 201) {
        statuses.push(status);
        const runId = (JSON.parse(text) as { runId: string }).runId;
        return { key, runId, attempts: attempt, statuses, latencyMs: now() - started, ackedAt: now() - o.origin };
      }
      const header = res.headers.get('retry-after');
      if (header) retryAfterMs = Number(header) * 1000;
    } catch {
      status = 0;
    }
    statuses.push(status);
    if (!RETRY_STATUSES(status)) break;
    const backoff = Math.min(2000, 50 * 2 ** (attempt - 1));
    await sleep((retryAfterMs ?? backoff) * (0.5 + Math.random() * 0.5));
  }
  return { key, runId: undefined, attempts: statuses.length, statuses, latencyMs: now() - started, ackedAt: undefined };
}

/** Counts of every status seen across all attempts, e.g. {201: 9990, 503: 12, 0: 3}. */
export function statusCounts(outcomes: readonly SubmitOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) for (const s of o.statuses) counts[String(s)] = (counts[String(s)] ?? 0) + 1;
  return counts;
}
