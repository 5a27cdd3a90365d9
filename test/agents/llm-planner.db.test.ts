import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_RULES, updateRoutingRules, type RoutingRule } from '../../src/control-plane/control-registry/index.js';
import { message, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { cacheReaches, DEMO_QUESTION, eventsOf, outputOf, startAgentHarness, type AgentHarness } from './harness.js';
import { providerEnv } from './model-answers.js';

/**
 * The model-routed planner, through the loopback OpenAI and Anthropic servers: once an operator
 * routes `plan` to a model, the model reads the request and proposes an intent and the names it
 * mentions; the rule planner still resolves those names against the cluster, so a name the model
 * made up is a question back to the user, never a guess; a model that fails leaves the rule plan.
 */
const LOGIN_QUESTION = 'the login backend in prod keeps restarting, what is going on?';
const planRoute = (provider: string): RoutingRule[] => [...DEFAULT_ROUTING_RULES, { match: { taskType: 'plan' }, target: { provider } }];
const proposal = (intent: string, namespace: string | null, name: string | null) => JSON.stringify({ intent, namespace, name });

let h: AgentHarness;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let version = 0;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  h = await startAgentHarness();
  version = (await updateRoutingRules(h.db, { rules: planRoute('default') }, { actor: 'test', reason: 'let the model read requests' })).version;
});
afterAll(async () => {
  await h?.close();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

async function askWith(env: Record<string, string>, input: Record<string, unknown>) {
  const w = await h.startWorker({ evidence: { kind: 'demo' }, env });
  await cacheReaches(w.controls, version);
  const run = await h.waitForRun(await h.ask(input));
  await w.stop();
  expect(run.run.status).toBe('succeeded');
  return run;
}

describe('the planner with a routed model', () => {
  it('resolves what the model read in the request against the cluster, and the run answers it (OpenAI)', async () => {
    openai.reset();
    openai.reply(completion({ content: proposal('diagnose_workload', 'production', 'auth-service'), usage: { prompt: 310, completion: 22 } }));
    const run = await askWith(providerEnv(openai.baseURL), { prompt: LOGIN_QUESTION });

    expect(openai.requests).toHaveLength(1);
    const body = openai.requests[0]!.body as { messages: Array<{ role: string; content: string }>; response_format?: unknown };
    expect(body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('incident commander') });
    const asked = JSON.parse(body.messages[1]!.content) as { request: string; namespaces: string[]; workloads: string[] };
    expect(asked.request).toBe(LOGIN_QUESTION);
    expect(asked.namespaces).toEqual(expect.arrayContaining(['production', 'staging']));
    expect(asked.workloads).toContain('production/auth-service');
    expect(body.response_format).toEqual({ type: 'json_object' });

    const out = outputOf(run);
    // The rule planner alone reads this as an overview of production; the model named the workload.
    expect(out.plan).toMatchObject({ intent: 'diagnose_workload', method: 'llm', params: { namespace: 'production', workload: { kind: 'Deployment', name: 'auth-service' } } });
    expect(out.plan.notes).toContain('model openai/gpt-4o-mini proposed intent diagnose_workload');
    expect(out.diagnosis?.root_cause.type).toBe('service_no_endpoints');
    expect(eventsOf(run, 'model.call')).toEqual([expect.objectContaining({ purpose: 'plan', provider: 'openai', inputTokens: 310, outputTokens: 22 })]);
  });

  it('takes an intent that needs no target from the model, over the Messages API (Anthropic)', async () => {
    anthropic.reset();
    anthropic.reply(message({ content: proposal('explain', null, null) }));
    const run = await askWith(providerEnv(anthropic.baseURL, 'anthropic'), { prompt: 'what does CrashLoopBackOff mean?' });
    expect(anthropic.requests).toHaveLength(1);
    const sent = anthropic.requests[0]!;
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-6', max_tokens: expect.any(Number), system: expect.stringContaining('incident commander') });
    const out = outputOf(run);
    expect(out.plan).toMatchObject({ intent: 'explain', method: 'llm', required_info: [] });
    expect(run.tasks.map((t) => t.taskType)).toEqual(['ask', 'report']);
  });

  it('never guesses a name the model made up: the user is asked, and no diagnosis is given', async () => {
    openai.reset();
    openai.reply(completion({ content: proposal('diagnose_workload', 'production', 'payments-api') }));
    const run = await askWith(providerEnv(openai.baseURL), { prompt: 'why is payments-api crashing in production?' });
    const out = outputOf(run);
    expect(out.required_info).toEqual(['pod_name']);
    expect(out.hint).toContain('no pod or workload named "payments-api" in production');
    expect(out.diagnosis).toBeNull();
    expect(run.tasks.map((t) => t.taskType)).toEqual(['ask']);
  });

  it('falls back to the rule planner when the model answers invalidly twice, and says so', async () => {
    openai.reset();
    openai.reply(completion({ content: 'Sure! You should diagnose the auth service.' }), completion({ content: proposal('fix_everything', null, null) }));
    const run = await askWith(providerEnv(openai.baseURL), { prompt: DEMO_QUESTION });
    expect(openai.requests).toHaveLength(2);
    // The retry told the model what was wrong with its first answer.
    expect(JSON.stringify(openai.requests[1]!.body)).toContain('Your previous reply was invalid: not JSON');
    expect(eventsOf(run, 'model.failed')).toEqual([expect.objectContaining({ purpose: 'plan', provider: 'openai', code: 'provider_invalid_output', fallback: 'rule_planner' })]);
    // Both calls cost tokens: both are in the ledger.
    expect(eventsOf(run, 'model.call')).toEqual([expect.objectContaining({ purpose: 'plan', inputTokens: 25 }), expect.objectContaining({ purpose: 'plan', inputTokens: 25 })]);
    const out = outputOf(run);
    expect(out.plan).toMatchObject({ intent: 'diagnose_pod', method: 'rule_based' });
    expect(out.diagnosis?.root_cause.type).toBe('service_no_endpoints');
  });

  it('plans by rules when the routed provider is not the configured one, and the ledger says so', async () => {
    version = (await updateRoutingRules(h.db, { rules: planRoute('anthropic') }, { actor: 'test', reason: 'plan with claude' })).version;
    openai.reset();
    const run = await askWith(providerEnv(openai.baseURL), { prompt: DEMO_QUESTION });
    expect(openai.requests).toHaveLength(0);
    expect(eventsOf(run, 'model.unavailable')).toEqual([expect.objectContaining({ purpose: 'plan', provider: 'anthropic', reason: expect.stringContaining('openai') })]);
    expect(outputOf(run).plan.method).toBe('rule_based');
  });
});
