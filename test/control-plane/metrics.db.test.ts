import { describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { controlPlaneMetrics } from '../../src/control-plane/metrics.js';
import { claim, complete, fail } from '../../src/control-plane/queue.js';
import { queueStats } from '../../src/control-plane/queue-stats.js';
import { useTestDatabase } from '../helpers/db.js';
import { expireLease } from './queue-helpers.js';

// Counters only: sums the values that carry the given labels.
const value = async (name: string, labels: Record<string, string> = {}) => {
  const metric = (await controlPlaneMetrics.registry.getMetricsAsJSON()).find((m) => m.name === name)!;
  const match = metric.values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match.reduce((sum, v) => sum + v.value, 0);
};

describe('control-plane metrics and queue stats', () => {
  const t = useTestDatabase();

  it('counts claims, completions, failures and lease expiries; observes latencies', async () => {
    const before = {
      claims: await value('syntra_queue_claims_total', { task_type: 'm' }),
      completions: await value('syntra_queue_completions_total'),
      dead: await value('syntra_queue_failures_total', { outcome: 'dead' }),
      expiries: await value('syntra_queue_lease_expiries_total'),
    };
    await submitCommand(t.db, { kind: 'm', input: {} });
    await submitCommand(t.db, { kind: 'm', input: {} });
    const [a, b] = await claim(t.db, { workerId: 'w', taskTypes: ['m'], limit: 2, leaseSeconds: 30 });
    await complete(t.db, { queueItemId: a!.queueItemId, leaseToken: a!.leaseToken, output: null });
    await expireLease(t.db, b!.queueItemId);
    const [b2] = await claim(t.db, { workerId: 'w2', taskTypes: ['m'], limit: 1, leaseSeconds: 30 });
    await fail(t.db, { queueItemId: b2!.queueItemId, leaseToken: b2!.leaseToken, error: { message: 'x', retryable: false } });

    expect(await value('syntra_queue_claims_total', { task_type: 'm' })).toBe(before.claims + 3);
    expect(await value('syntra_queue_completions_total')).toBe(before.completions + 1);
    expect(await value('syntra_queue_failures_total', { outcome: 'dead' })).toBe(before.dead + 1);
    expect(await value('syntra_queue_lease_expiries_total')).toBe(before.expiries + 1);
    const text = await controlPlaneMetrics.registry.metrics();
    expect(text).toMatch(/syntra_submit_to_claim_seconds_count \d+/);
    expect(text).toMatch(/syntra_run_duration_seconds_count\{kind="m",status="succeeded"\} \d+/);
    expect(text).toMatch(/syntra_run_duration_seconds_count\{kind="m",status="failed"\} \d+/);
  });

  it('reports queue depth by state and the age of the oldest due item', async () => {
    const before = await queueStats(t.db);
    await submitCommand(t.db, { kind: 'depth', input: {} });
    await t.db.query(`UPDATE queue_items SET available_at = now() - interval '90 seconds', created_at = now() - interval '90 seconds' WHERE task_type = 'depth'`);
    const stats = await queueStats(t.db);
    expect(stats.byState.available).toBe(before.byState.available + 1);
    expect(Object.keys(stats.byState).sort()).toEqual(['available', 'cancelled', 'dead', 'done', 'leased']);
    expect(stats.oldestAvailableAgeSeconds).toBeGreaterThanOrEqual(89);
  });
});
