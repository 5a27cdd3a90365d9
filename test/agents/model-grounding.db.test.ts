import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { message, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { BILLING_POD, writeFixtureCluster } from './fixture-cluster.js';
import { eventsOf, outputOf, startAgentHarness, type AgentHarness } from './harness.js';
import { answer, BILLING_QUESTION, idOfLine, providerEnv, REFUSING } from './model-answers.js';

/**
 * A model's answer counts only when it is grounded: it must cite evidence ids, and each must
 * name evidence the run collected. The reviewer rebuilds the evidence catalogue from what the run
 * stored and rejects an answer that cites none or cites ids that do not exist; the rules' result
 * then stands as `rule_based_fallback`, with the reason in the ledger. An answer that agrees with
 * the rules is merged with theirs: `hybrid`. Through both loopback providers.
 */
let h: AgentHarness;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let fixture: ReturnType<typeof writeFixtureCluster>;

beforeAll(async () => {
  fixture = writeFixtureCluster();
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  h = await startAgentHarness();
});
afterAll(async () => {
  await h?.close();
  await Promise.all([openai?.close(), anthropic?.close()]);
  fixture?.dispose();
});

const reviewerDecisions = (run: Parameters<typeof eventsOf>[0]) => eventsOf(run, 'decision').filter((d) => d.agent === 'reviewer');

describe('the reviewer holds a model answer to the evidence it cites', () => {
  it('rejects an answer that cites no evidence, then one citing ids that do not exist: the rules stand, and the ledger says why', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(openai.baseURL) });
    openai.reset();
    // One answer per evidence pass: the first cites nothing, the second (wider pass) invents ids.
    openai.reply(completion({ content: answer({ evidence: [] }) }), completion({ content: answer({ evidence: ['E4', 'E90210'] }) }));
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    expect(openai.requests).toHaveLength(2);

    expect(reviewerDecisions(run).map((d) => d.decision)).toEqual(['reject_model_answer', 'collect_more_evidence', 'reject_model_answer', 'accept_low_confidence']);
    const [none, invented] = reviewerDecisions(run).filter((d) => d.decision === 'reject_model_answer');
    expect(none).toMatchObject({ reason: "the model's answer cites no evidence id", cited: [], fallback: 'rule_based_fallback' });
    expect(invented).toMatchObject({ reason: "the model's answer cites evidence ids the run did not collect: E90210", cited: ['E4', 'E90210'], unknown: ['E90210'] });

    const out = outputOf(run);
    expect(out.method).toBe('rule_based_fallback');
    expect(out.diagnosis?.root_cause).toMatchObject({ type: 'crash_loop', detection_method: 'rule_based_fallback' });
    expect(out.diagnosis?.findings.map((f) => f.type)).not.toContain('application_error');
    expect(out.confidence).toBe(out.diagnosis?.root_cause.confidence);
    expect(out.model).toMatchObject({ provider: 'openai', outcome: 'rejected', error: expect.stringContaining('E90210') });
    expect(out.review?.checks).toContainEqual({ name: 'model_answer_grounded', ok: false, detail: expect.stringContaining('E90210') });
    expect(out.review?.approved).toBe(false);
    // The analyst did use the answer before the reviewer looked: the ledger shows both steps.
    expect(eventsOf(run, 'model.answer').map((a) => a.cited)).toEqual([[], ['E4', 'E90210']]);
  });

  it('keeps the rules when the model answers invalidly twice, with every call it made in the ledger', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(openai.baseURL) });
    openai.reset();
    const prose = completion({ content: 'The billing service is broken because of the ledger.', usage: { prompt: 700, completion: 15 } });
    const quoted = completion({ content: JSON.stringify({ root_cause: { type: 'application_error', summary: 's', confidence: 0.8, evidence: [{ kind: 'log', value: REFUSING }] } }), usage: { prompt: 760, completion: 40 } });
    // Per evidence pass: prose after the tool-enabled turn, then quoted evidence instead of ids, twice.
    openai.reply(prose, quoted, quoted, prose, quoted, quoted);
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    expect(openai.requests).toHaveLength(6);
    // Each retry said what was wrong.
    expect(JSON.stringify(openai.requests[1]!.body)).toContain('Now answer with the diagnosis JSON only');
    expect(JSON.stringify(openai.requests[2]!.body)).toContain('Your previous reply was invalid: the answer does not match the diagnosis schema (/root_cause/evidence/0');
    expect(eventsOf(run, 'model.call').map((c) => c.inputTokens)).toEqual([700, 760, 760, 700, 760, 760]);
    expect(eventsOf(run, 'model.failed').map((f) => [f.code, f.fallback])).toEqual([['provider_invalid_output', 'rule_based_fallback'], ['provider_invalid_output', 'rule_based_fallback']]);
    const out = outputOf(run);
    expect(out.method).toBe('rule_based_fallback');
    expect(out.diagnosis?.root_cause).toMatchObject({ type: 'crash_loop', detection_method: 'rule_based_fallback' });
    expect(out.model).toMatchObject({ outcome: 'failed', calls: 3, inputTokens: 2220, outputTokens: 95, error: expect.stringContaining('/root_cause/evidence/0') });
  });

  it('merges an answer that agrees with the rules and cites their evidence: hybrid (Anthropic)', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(anthropic.baseURL, 'anthropic') });
    anthropic.reset();
    let cited: string[] = [];
    anthropic.reply((req) => {
      cited = [idOfLine(req, REFUSING), idOfLine(req, 'lastState: terminated (Error, exit 3)')];
      return message({ content: answer({ type: 'crash_loop', confidence: 0.85, evidence: cited }) });
    });
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    expect(anthropic.requests).toHaveLength(1);
    expect(anthropic.requests[0]!.headers['x-api-key']).toBe('sk-test-loopback-0000000000000000');

    const out = outputOf(run);
    expect(out.method).toBe('hybrid');
    expect(out.confidence).toBe(0.85);
    expect(out.review?.approved).toBe(true);
    expect(out.diagnosis?.root_cause).toMatchObject({ type: 'crash_loop', detection_method: 'hybrid' });
    expect(out.model).toMatchObject({ provider: 'anthropic', outcome: 'used', cited });
    const evidence = out.diagnosis!.root_cause.evidence;
    // The model's two items first, then the rules' own evidence, each item once.
    expect(evidence.slice(0, 2)).toEqual([
      { kind: 'log', resource: { kind: 'Pod', name: BILLING_POD, namespace: 'shop' }, path: 'billing (previous)', value: expect.stringContaining(REFUSING) },
      { kind: 'field', resource: { kind: 'Pod', name: BILLING_POD, namespace: 'shop' }, path: 'status.containerStatuses[billing].lastState', value: 'terminated (Error, exit 3)' },
    ]);
    expect(evidence.filter((e) => e.value.includes(REFUSING) && e.path === 'billing (previous)')).toHaveLength(1);
    expect(out.review?.checks).toContainEqual({ name: 'model_answer_grounded', ok: true, detail: expect.stringContaining('2 cited evidence id') });
    expect(reviewerDecisions(run).map((d) => d.decision)).not.toContain('reject_model_answer');
  });
});
