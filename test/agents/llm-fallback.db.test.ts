import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { freePort } from '../helpers/bus.js';
import { BILLING_POD, SECRETS, writeFixtureCluster } from './fixture-cluster.js';
import { cacheReaches, DEMO_QUESTION, eventsOf, outputOf, startAgentHarness, type AgentHarness } from './harness.js';

/**
 * The analyst's model path, with the real OpenAI SDK against a loopback server that speaks
 * OpenAI's wire format, routed by the registry's built-in rule (analyze → the configured
 * provider, nothing else): confident rules never call the
 * model; unsure rules ask it with REDACTED evidence and use its validated answer (also through
 * a read-only tool step); a provider that is down leaves the rule result, marked rule_based_fallback.
 */
const BILLING_QUESTION = 'why is billing crashing in shop?';
const providerEnv = (baseURL: string) => ({
  SYNTRA_LLM_PROVIDER: 'openai',
  SYNTRA_LLM_BASE_URL: baseURL,
  SYNTRA_LLM_API_KEY: 'sk-test-loopback-0000000000000000',
  SYNTRA_LLM_MAX_ATTEMPTS: '1',
  SYNTRA_LLM_TIMEOUT_MS: '5000',
});

const modelAnswer = JSON.stringify({
  root_cause: {
    type: 'application_error',
    summary: 'billing exits with code 3 after a ledger consistency check fails for invoice 8812-17',
    confidence: 0.8,
    evidence: [{ kind: 'log', value: 'invoice 8812-17 totals disagree with ledger snapshot; refusing to continue', resource: { kind: 'Pod', name: BILLING_POD, namespace: 'shop' } }],
  },
  remediation: {
    immediate: ['Reconcile invoice 8812-17 with the ledger', 'kubectl -n shop rollout restart deployment/billing'],
    verification: [`kubectl -n shop logs ${BILLING_POD} --previous`],
    prevention: ['Alert on reconciliation mismatches before they crash the service'],
  },
});

describe('incident analyst with a routed model', () => {
  let h: AgentHarness;
  let fake: FakeOpenAI;
  let fixture: ReturnType<typeof writeFixtureCluster>;
  const version = 0;

  beforeAll(async () => {
    fixture = writeFixtureCluster();
    fake = await startFakeOpenAI();
    // No routing rule is set: SYNTRA_LLM_PROVIDER alone must bring the model in for `analyze`.
    h = await startAgentHarness();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
    fixture?.dispose();
  });

  it('(a) does not call the model when the rules are confident', async () => {
    const w = await h.startWorker({ evidence: { kind: 'demo' }, env: providerEnv(fake.baseURL) });
    await cacheReaches(w.controls, version);
    fake.reset();
    const run = await h.waitForRun(await h.ask({ prompt: DEMO_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    expect(fake.requests).toHaveLength(0);
    const out = outputOf(run);
    expect(out.diagnosis?.root_cause.type).toBe('service_no_endpoints');
    expect(out.controlVersion).toBe(version);
    expect(eventsOf(run, 'decision').find((d) => d.agent === 'incident_analyst')).toMatchObject({ decision: 'use_rules' });
    expect(eventsOf(run, 'model.call')).toHaveLength(0);
  });

  it('(b) asks the model with redacted evidence below the threshold and uses its validated answer', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(fake.baseURL) });
    await cacheReaches(w.controls, version);
    fake.reset();
    fake.reply(completion({ content: modelAnswer, usage: { prompt: 900, completion: 120 } }));
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!.rawBody;
    for (const secret of Object.values(SECRETS)) expect(sent).not.toContain(secret);
    expect(sent).toContain('[REDACTED:');
    expect(sent).toContain('refusing to continue');

    const out = outputOf(run);
    expect(out.diagnosis?.root_cause.type).toBe('application_error');
    expect(out.method).toBe('llm');
    expect(out.confidence).toBe(0.8);
    expect(out.model).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', outcome: 'used', calls: 1, inputTokens: 900, outputTokens: 120 });
    // The rules' view is kept after the model's root cause.
    expect(out.diagnosis?.findings.map((f) => f.type)).toContain('crash_loop');
    expect(out.review?.approved).toBe(true);
    expect(out.review?.writes.map((x) => x.command)).toEqual(['kubectl -n shop rollout restart deployment/billing']);
    expect(eventsOf(run, 'decision').find((d) => d.agent === 'incident_analyst')).toMatchObject({ decision: 'consult_model' });
    expect(eventsOf(run, 'model.call')[0]).toMatchObject({ purpose: 'analyze', provider: 'openai', inputTokens: 900, outputTokens: 120 });
    expect(JSON.stringify(run.run.output)).not.toContain(SECRETS.apiToken);
  });

  it('(b) lets the model read evidence through a read-only tool, each step in the ledger', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(fake.baseURL) });
    await cacheReaches(w.controls, version);
    fake.reset();
    fake.reply(
      completion({ toolCalls: [{ name: 'get_logs', arguments: { namespace: 'shop', pod: BILLING_POD, previous: true } }] }),
      completion({ content: modelAnswer }),
    );
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    expect(fake.requests).toHaveLength(2);
    const first = fake.requests[0]!.body as { tools?: Array<{ function: { name: string } }> };
    expect(first.tools?.map((t) => t.function.name)).toEqual(expect.arrayContaining(['get_logs', 'get_resource', 'list_pods']));
    const toolReply = fake.requests[1]!.rawBody;
    expect(toolReply).toContain('refusing to continue');
    for (const secret of Object.values(SECRETS)) expect(toolReply).not.toContain(secret);
    expect(eventsOf(run, 'model.tool_step')).toEqual([expect.objectContaining({ tool: 'get_logs', ok: true, step: 1 })]);
    expect(outputOf(run).model?.toolSteps).toBe(1);
  });

  it('without a provider the built-in route leaves the run rules-only, and the ledger says why', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir } });
    fake.reset();
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    expect(fake.requests).toHaveLength(0);
    expect(outputOf(run).model).toBeUndefined();
    expect(eventsOf(run, 'analysis.rules_only')[0]).toMatchObject({ reason: 'no model provider configured: rules-only mode' });
    expect(eventsOf(run, 'decision').find((d) => d.agent === 'incident_analyst')).toMatchObject({ decision: 'use_rules', reason: expect.stringContaining('no model provider configured') });
  });

  it('(c) falls back to the rules when the provider is down, and says so', async () => {
    const closed = await freePort();
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(`http://127.0.0.1:${closed}/v1`) });
    await cacheReaches(w.controls, version);
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }), 30_000);
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    const out = outputOf(run);
    expect(out.method).toBe('rule_based_fallback');
    expect(out.diagnosis?.root_cause).toMatchObject({ type: 'crash_loop', detection_method: 'rule_based_fallback' });
    expect(out.model).toMatchObject({ outcome: 'failed' });
    const failures = eventsOf(run, 'model.failed');
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures[0]).toMatchObject({ purpose: 'analyze', provider: 'openai', fallback: 'rule_based_fallback' });
    // Unsure and unaided: the reviewer asked for one wider evidence pass, then accepted with low confidence.
    expect(run.tasks.map((t) => t.taskType)).toEqual(['ask', 'collect_evidence', 'analyze', 'review', 'collect_evidence', 'analyze', 'review', 'report']);
    expect(eventsOf(run, 'decision').filter((d) => d.agent === 'reviewer').map((d) => d.decision)).toEqual(['collect_more_evidence', 'accept_low_confidence']);
    expect(out.review?.approved).toBe(false);
  });
});
