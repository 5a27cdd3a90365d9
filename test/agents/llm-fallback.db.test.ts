import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { freePort } from '../helpers/bus.js';
import { BILLING_POD, SECRETS, writeFixtureCluster } from './fixture-cluster.js';
import { DEMO_QUESTION, eventsOf, outputOf, startAgentHarness, type AgentHarness } from './harness.js';
import { answer, BILLING_QUESTION, idOfLine, providerEnv, REFUSING } from './model-answers.js';

/**
 * The analyst's model path, with the real OpenAI SDK against a loopback server that speaks
 * OpenAI's wire format, routed by the registry's built-in rule (analyze → the configured
 * provider, nothing else): confident rules never call the model (and the run is labelled by
 * the rules, never `hybrid`); unsure rules ask it with the REDACTED evidence as numbered items and
 * the rules' hypotheses, and use its validated answer, which cites evidence ids (also after a
 * read-only tool step); a provider that is down leaves the rule result, marked rule_based_fallback.
 */
describe('incident analyst with a routed model', () => {
  let h: AgentHarness;
  let fake: FakeOpenAI;
  let fixture: ReturnType<typeof writeFixtureCluster>;

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
    fake.reset();
    const run = await h.waitForRun(await h.ask({ prompt: DEMO_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');
    expect(fake.requests).toHaveLength(0);
    const out = outputOf(run);
    expect(out.diagnosis?.root_cause.type).toBe('service_no_endpoints');
    expect(out.controlVersion).toBe(0);
    // The model did not change this answer: never `hybrid` (nor `llm`), at the top or in any finding.
    expect(out.method).toBe('rule_based');
    expect(out.diagnosis?.root_cause.detection_method).toBe('rule_based');
    expect(out.diagnosis?.findings.map((f) => f.detection_method).filter((m) => m === 'hybrid' || m === 'llm')).toEqual([]);
    expect(eventsOf(run, 'decision').find((d) => d.agent === 'incident_analyst')).toMatchObject({ decision: 'use_rules' });
    expect(eventsOf(run, 'model.call')).toHaveLength(0);
  });

  it('(b) asks the model with the redacted evidence as numbered items and the hypotheses, and uses its answer, which cites them', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(fake.baseURL) });
    fake.reset();
    fake.reply((req) => completion({ content: answer({ evidence: [idOfLine(req, REFUSING)] }), usage: { prompt: 900, completion: 120 } }));
    const run = await h.waitForRun(await h.ask({ prompt: BILLING_QUESTION }));
    await w.stop();
    expect(run.run.status).toBe('succeeded');

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!.rawBody;
    for (const secret of Object.values(SECRETS)) expect(sent).not.toContain(secret);
    expect(sent).toContain('[REDACTED:');
    const prompt = (fake.requests[0]!.body as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'user')!.content;
    expect(prompt).toMatch(new RegExp(`^E\\d+ \\[field\\] Pod shop/${BILLING_POD} status: CrashLoopBackOff$`, 'm'));
    expect(prompt).toMatch(new RegExp(`^E\\d+ \\[log\\] Pod shop/${BILLING_POD} billing \\(previous\\): .*refusing to continue$`, 'm'));
    // The rules' view, with the ids of the evidence behind it.
    expect(prompt).toMatch(/^H1 crash_loop \(confidence 0\.\d+\): .*\n {3}for: E\d+/m);

    const out = outputOf(run);
    expect(out.diagnosis?.root_cause.type).toBe('application_error');
    expect(out.method).toBe('llm');
    expect(out.confidence).toBe(0.8);
    // The cited id became the collected line itself, quoted exactly.
    expect(out.diagnosis?.root_cause.evidence).toEqual([{ kind: 'log', resource: { kind: 'Pod', name: BILLING_POD, namespace: 'shop' }, path: 'billing (previous)', value: expect.stringContaining(REFUSING) }]);
    expect(out.model).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', outcome: 'used', calls: 1, inputTokens: 900, outputTokens: 120, estimatedCostUsd: 0.000207, cited: [idOfLine(fake.requests[0]!, REFUSING)] });
    // The rules' view is kept after the model's root cause.
    expect(out.diagnosis?.findings.map((f) => f.type)).toContain('crash_loop');
    expect(out.review?.approved).toBe(true);
    expect(out.review?.checks).toContainEqual({ name: 'model_answer_grounded', ok: true, detail: expect.stringContaining('1 cited evidence id') });
    expect(out.review?.writes.map((x) => x.command)).toEqual(['kubectl -n shop rollout restart deployment/billing']);
    expect(eventsOf(run, 'decision').find((d) => d.agent === 'incident_analyst')).toMatchObject({ decision: 'consult_model', provider: 'openai', model: 'gpt-4o-mini' });
    expect(eventsOf(run, 'model.call')[0]).toMatchObject({ purpose: 'analyze', provider: 'openai', inputTokens: 900, outputTokens: 120, estimatedCostUsd: 0.000207 });
    expect(JSON.stringify(run.run.output)).not.toContain(SECRETS.apiToken);
  });

  it('(b) lets the model read evidence through a read-only tool and cite a line the tool showed, each step in the ledger', async () => {
    const w = await h.startWorker({ evidence: { kind: 'dump', dir: fixture.dir }, env: providerEnv(fake.baseURL) });
    fake.reset();
    let cited = '';
    fake.reply(
      completion({ toolCalls: [{ name: 'get_logs', arguments: { namespace: 'shop', pod: BILLING_POD, previous: true } }] }),
      (req) => {
        const result = (req.body as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'tool')!.content;
        const streams = JSON.parse(result) as Array<{ lines: Array<{ id: string; text: string }> }>;
        cited = streams[0]!.lines.find((l) => l.text.includes(REFUSING))!.id;
        return completion({ content: answer({ evidence: [cited] }) });
      },
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
    const out = outputOf(run);
    expect(out.model).toMatchObject({ toolSteps: 1, outcome: 'used', cited: [cited] });
    expect(out.method).toBe('llm');
    expect(out.diagnosis?.root_cause.evidence[0]?.value).toContain(REFUSING);
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
