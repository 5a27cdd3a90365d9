import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateArbiter } from '../../src/control-plane/control-registry/index.js';
import { cacheReaches, DEMO_QUESTION, eventsOf, outputOf, startAgentHarness, type AgentHarness, type AgentWorker } from './harness.js';

/**
 * A control change reaches a running worker without a restart and the next run uses it;
 * questions that cannot be answered without more information succeed with required_info;
 * an unreachable cluster fails the run with a clear reason in the ledger.
 */
describe('live control changes and questions that need more information', () => {
  let h: AgentHarness;
  let w: AgentWorker;
  beforeAll(async () => {
    h = await startAgentHarness();
    w = await h.startWorker({ controlPollMs: 3_600_000 });
  });
  afterAll(async () => h?.close());

  it('a threshold change made through the registry is used by the next run of the same worker', async () => {
    const before = await h.waitForRun(await h.ask({ prompt: DEMO_QUESTION }));
    expect(outputOf(before).controlVersion).toBe(0);
    expect(before.tasks.filter((t) => t.taskType === 'collect_evidence')).toHaveLength(1);

    const change = await updateArbiter(h.db, { confidenceThreshold: 0.99 }, { actor: 'ops@example.test', reason: 'be stricter while we tune the analyzers' });
    // No restart, and the cache's poll is an hour: the change arrives over the bus (relay → bus → cache).
    await cacheReaches(w.controls, change.version);

    const after = await h.waitForRun(await h.ask({ prompt: DEMO_QUESTION }));
    expect(after.run.status).toBe('succeeded');
    const out = outputOf(after);
    expect(out.controlVersion).toBe(change.version);
    expect(eventsOf(after, 'control.snapshot')[0]).toMatchObject({ version: change.version });
    const analyst = eventsOf(after, 'decision').find((d) => d.agent === 'incident_analyst');
    expect(String(analyst?.reason)).toMatch(/below the threshold 0\.99/);
    // 0.95 < 0.99: the reviewer asked for a wider evidence pass before accepting.
    expect(after.tasks.filter((t) => t.taskType === 'collect_evidence')).toHaveLength(2);
    expect(out.review?.approved).toBe(false);
    expect(out.diagnosis?.root_cause.type).toBe('service_no_endpoints');
  });

  it('asks for the namespace when the workload exists in several', async () => {
    const run = await h.waitForRun(await h.ask({ prompt: 'why is auth-service crashing?' }));
    expect(run.run.status).toBe('succeeded');
    expect(run.tasks.map((t) => t.taskType)).toEqual(['ask']);
    const out = outputOf(run);
    expect(out.required_info).toEqual(['namespace']);
    expect(out.hint).toMatch(/production/);
    expect(out.hint).toMatch(/staging/);
    expect(out.diagnosis).toBeNull();
  });

  it('asks for the namespace when the one given does not exist', async () => {
    const out = outputOf(await h.waitForRun(await h.ask({ prompt: 'why is auth-service crashing?', namespace: 'prodution-eu' })));
    expect(out.required_info).toEqual(['namespace']);
    expect(out.hint).toMatch(/does not exist/);
  });

  it('asks for the pod when the one given does not exist', async () => {
    const run = await h.waitForRun(await h.ask({ prompt: 'why is this pod crashing?', namespace: 'production', pod_name: 'checkout-7c9d-zzzzz' }));
    expect(run.run.status).toBe('succeeded');
    const out = outputOf(run);
    expect(out.required_info).toEqual(['pod_name']);
    expect(out.hint).toMatch(/checkout-7c9d-zzzzz/);
    expect(eventsOf(run, 'decision')[0]).toMatchObject({ decision: 'ask_for_information' });
  });
});

describe('an unreachable evidence source', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness();
    await h.startWorker({ evidence: { kind: 'dump', dir: '/nonexistent/syntra-dump' } });
  });
  afterAll(async () => h?.close());

  it('fails the run with the reason, recorded in the ledger', async () => {
    const run = await h.waitForRun(await h.ask({ prompt: DEMO_QUESTION }));
    expect(run.run.status).toBe('failed');
    expect(JSON.stringify(run.run.error)).toMatch(/cannot read the cluster/);
    expect(eventsOf(run, 'evidence.connectivity')[0]).toMatchObject({ ok: false, problem: { code: 'evidence_unreadable' } });
    expect(eventsOf(run, 'agent.step.failed')[0]).toMatchObject({ agent: 'planner', code: 'evidence_unreadable' });
  });
});
