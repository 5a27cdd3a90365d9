import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, complete } from '../../src/control-plane/queue.js';
import { DEMO_QUESTION, outputOf, startAgentHarness, type AgentHarness } from './harness.js';

/**
 * A worker dies in the middle of the pipeline: it has claimed the `analyze` step and never
 * renews or completes it. Once its short lease expires another worker reclaims the step, the
 * run still completes with the right answer, and the dead worker's late completion is refused.
 */
describe('a worker killed mid-pipeline', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness();
  });
  afterAll(async () => h?.close());

  it('another worker finishes the run', async () => {
    const first = await h.startWorker({ only: ['ask', 'collect_evidence'] });
    const runId = await h.ask({ prompt: DEMO_QUESTION });

    // The doomed worker claims analyze with a 1 s lease and then "crashes" (no renew, no complete).
    let doomed: Awaited<ReturnType<typeof claim>> = [];
    for (let i = 0; i < 400 && doomed.length === 0; i++) {
      doomed = await claim(h.db, { workerId: 'doomed-worker', taskTypes: ['analyze'], limit: 1, leaseSeconds: 1 });
      if (doomed.length === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(doomed).toHaveLength(1);
    expect(doomed[0]!.runId).toBe(runId);
    await first.stop();

    await h.startWorker({ leaseSeconds: 5 });
    const run = await h.waitForRun(runId, 30_000);
    expect(run.run.status).toBe('succeeded');
    expect(outputOf(run).diagnosis?.root_cause.type).toBe('service_no_endpoints');
    const analyze = run.tasks.find((t) => t.taskType === 'analyze')!;
    expect(analyze.status).toBe('succeeded');
    expect(analyze.attempts).toBe(2);

    const late = await complete(h.db, { queueItemId: doomed[0]!.queueItemId, leaseToken: doomed[0]!.leaseToken, output: {} }).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'lease_lost' });
  });
});
