import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SyntraError } from '../../src/domain/errors.js';
import { OpenAICompatibleProvider } from '../../src/llm/openai-compatible.js';
import type { ToolDefinition } from '../../src/llm/provider.js';
import { chatJson, extractJson, runToolLoop, type ToolStep } from '../../src/llm/structured.js';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';

let fake: FakeOpenAI;
let provider: OpenAICompatibleProvider;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  provider = new OpenAICompatibleProvider({ name: 'vllm', baseURL: fake.baseURL, timeoutMs: 5_000, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => fake.reset());

interface Verdict {
  rootCause: string;
  confidence: number;
}
const validateVerdict = (v: unknown): Verdict | Error => {
  if (typeof v !== 'object' || v === null) return new Error('expected an object');
  const o = v as Record<string, unknown>;
  if (typeof o.rootCause !== 'string') return new Error('rootCause must be a string');
  if (typeof o.confidence !== 'number' || o.confidence < 0 || o.confidence > 1) return new Error('confidence must be a number in [0, 1]');
  return { rootCause: o.rootCause, confidence: o.confidence };
};

const messagesOf = (i: number) => (fake.requests[i]!.body as { messages: Array<{ role: string; content: string | null }> }).messages;

describe('extractJson', () => {
  it('finds JSON as the whole text, in a fenced block, or embedded in prose', () => {
    expect(extractJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('Here you go:\n```json\n{"a": [1, 2]}\n```\nThanks')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(extractJson('The answer is {"msg": "brace } in string", "n": {"x": 2}} as requested.')).toEqual({ ok: true, value: { msg: 'brace } in string', n: { x: 2 } } });
    expect(extractJson('I cannot answer that.')).toMatchObject({ ok: false });
    expect(extractJson('{"a": ')).toMatchObject({ ok: false });
    expect(extractJson('')).toMatchObject({ ok: false });
  });
});

describe('chatJson', () => {
  it('returns the validated value and asks for JSON', async () => {
    fake.reply(completion({ content: '```json\n{"rootCause": "OOMKilled", "confidence": 0.9}\n```', usage: { prompt: 50, completion: 20 } }));
    const res = await chatJson(provider, { model: 'qwen', system: 'Diagnose.', messages: [{ role: 'user', content: 'evidence…' }] }, validateVerdict);
    expect(res.value).toEqual({ rootCause: 'OOMKilled', confidence: 0.9 });
    expect(res.responses).toHaveLength(1);
    expect(res.usage).toEqual({ inputTokens: 50, outputTokens: 20 });
    const body = fake.requests[0]!.body as { response_format: unknown; messages: Array<{ content: string }> };
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0]!.content).toMatch(/JSON/);
  });

  it('retries once with the validation error fed back, then succeeds', async () => {
    fake.reply(
      completion({ content: '{"rootCause": "OOMKilled", "confidence": 7}', usage: { prompt: 50, completion: 20 } }),
      completion({ content: '{"rootCause": "OOMKilled", "confidence": 0.7}', usage: { prompt: 80, completion: 15 } }),
    );
    const res = await chatJson(provider, { model: 'qwen', messages: [{ role: 'user', content: 'evidence…' }] }, validateVerdict);
    expect(res.value.confidence).toBe(0.7);
    expect(res.responses).toHaveLength(2);
    expect(res.usage).toEqual({ inputTokens: 130, outputTokens: 35 });
    const retry = messagesOf(1);
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: '{"rootCause": "OOMKilled", "confidence": 7}' });
    expect(retry.at(-1)!.role).toBe('user');
    expect(retry.at(-1)!.content).toContain('confidence must be a number in [0, 1]');
  });

  it('throws provider_invalid_output after two invalid answers, and does not call a third time', async () => {
    fake.reply(completion({ content: 'I think it is memory.' }), completion({ content: '{"rootCause": 42}' }), completion({ content: '{"rootCause": "x", "confidence": 1}' }));
    const err = await chatJson(provider, { model: 'qwen', messages: [{ role: 'user', content: 'evidence…' }] }, validateVerdict).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyntraError);
    expect(err).toMatchObject({ code: 'provider_invalid_output', retryable: false });
    expect((err as SyntraError).message).toContain('vllm model qwen returned invalid output twice: rootCause must be a string');
    expect((err as SyntraError).details).toMatchObject({ errors: [expect.stringContaining('not JSON'), 'rootCause must be a string'] });
    expect(messagesOf(1).at(-1)!.content).toContain('not JSON');
    expect(fake.requests).toHaveLength(2);
  });
});

const tools: ToolDefinition[] = [
  { name: 'get_events', description: 'Events of a namespace', parameters: { type: 'object', properties: { namespace: { type: 'string' } } } },
  { name: 'get_logs', description: 'Logs of a pod', parameters: { type: 'object', properties: { pod: { type: 'string' } } } },
];

describe('runToolLoop', () => {
  it('runs tool steps until the final answer, reporting each step', async () => {
    fake.reply(
      completion({ toolCalls: [{ id: 'c1', name: 'get_events', arguments: { namespace: 'production' } }] }),
      completion({ toolCalls: [{ id: 'c2', name: 'get_logs', arguments: { pod: 'auth-7f9' } }, { id: 'c3', name: 'get_logs', arguments: '{"pod": ' }] }),
      completion({ content: 'auth-service cannot reach postgres: connection refused.' }),
    );
    const steps: ToolStep[] = [];
    const modelCalls: number[] = [];
    const result = await runToolLoop(
      provider,
      { model: 'qwen', system: 'Investigate read-only.', messages: [{ role: 'user', content: 'why is auth-service crashing?' }], tools },
      {
        get_events: async (args) => ({ events: [{ reason: 'BackOff', namespace: (args as { namespace: string }).namespace }] }),
        get_logs: async () => 'dial tcp 10.0.0.5:5432: connect: connection refused',
      },
      { maxSteps: 4, onStep: (s) => void steps.push(s), onModelCall: (r) => void modelCalls.push(r.usage.inputTokens) },
    );
    expect(result).toMatchObject({ finished: true, stopReason: 'final_answer', text: 'auth-service cannot reach postgres: connection refused.' });
    expect(modelCalls).toHaveLength(3);
    expect(steps.map((s) => [s.step, s.tool, s.ok])).toEqual([
      [1, 'get_events', true],
      [2, 'get_logs', true],
      [2, 'get_logs', false],
    ]);
    expect(steps[0]!.arguments).toEqual({ namespace: 'production' });
    expect(steps[0]!.resultBytes).toBe(Buffer.byteLength('{"events":[{"reason":"BackOff","namespace":"production"}]}'));
    expect(steps[2]!.error).toContain('not valid JSON');
    expect(steps.every((s) => s.durationMs >= 0)).toBe(true);

    // The second request carries the first tool result; the third carries both results of round 2.
    expect(messagesOf(1).at(-1)).toEqual({ role: 'tool', tool_call_id: 'c1', content: '{"events":[{"reason":"BackOff","namespace":"production"}]}' });
    const third = messagesOf(2);
    expect(third.at(-2)).toEqual({ role: 'tool', tool_call_id: 'c2', content: 'dial tcp 10.0.0.5:5432: connect: connection refused' });
    expect(third.at(-1)!.content).toMatch(/^error: .*not valid JSON/);
    expect((fake.requests[2]!.body as { tools: unknown[] }).tools).toHaveLength(2);
  });

  it('stops at maxSteps with a clear result when the model keeps calling tools', async () => {
    const again = () => completion({ toolCalls: [{ name: 'get_events', arguments: { namespace: 'production' } }] });
    fake.reply(again(), again(), again());
    let ran = 0;
    const result = await runToolLoop(
      provider,
      { model: 'qwen', messages: [{ role: 'user', content: 'loop forever' }], tools },
      { get_events: async () => (ran++, 'nothing new') },
      { maxSteps: 2 },
    );
    expect(result.finished).toBe(false);
    expect(result.stopReason).toBe('max_steps');
    expect(result.text).toContain('Stopped after 2 tool step(s) without a final answer');
    expect(ran).toBe(2);
    expect(result.steps).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
    // The calls of the last turn were not run, and say so: the conversation stays one the API
    // accepts, so a follow-up turn ("now answer") goes through.
    expect(result.messages.at(-1)).toMatchObject({ role: 'tool', isError: true, content: expect.stringContaining('not run: the tool step budget (2) is spent') });
    fake.reply(completion({ content: '{"rootCause":"x","confidence":0.5}' }));
    const followUp = await provider.chat({ model: 'qwen', messages: [...result.messages, { role: 'user', content: 'answer now' }] });
    expect(followUp.text).toContain('rootCause');
  });

  it('feeds unknown tools and failing tools back to the model as errors', async () => {
    fake.reply(
      completion({ toolCalls: [{ id: 'u1', name: 'delete_pod', arguments: {} }, { id: 'u2', name: 'get_logs', arguments: { pod: 'x' } }] }),
      completion({ content: 'done' }),
    );
    const result = await runToolLoop(
      provider,
      { model: 'qwen', messages: [{ role: 'user', content: 'go' }], tools },
      { get_logs: async () => Promise.reject(new Error('pod x not found')) },
      { maxSteps: 3 },
    );
    expect(result.text).toBe('done');
    expect(result.steps.map((s) => s.error)).toEqual([expect.stringContaining('unknown tool "delete_pod"'), 'pod x not found']);
    expect(messagesOf(1).slice(-2).map((m) => m.content)).toEqual([expect.stringContaining('unknown tool'), 'error: pod x not found']);
  });

  it('abandons a tool that outlives its timeout', async () => {
    fake.reply(completion({ toolCalls: [{ id: 's1', name: 'get_logs', arguments: { pod: 'x' } }] }), completion({ content: 'gave up on logs' }));
    const result = await runToolLoop(
      provider,
      { model: 'qwen', messages: [{ role: 'user', content: 'go' }], tools },
      { get_logs: () => new Promise(() => undefined) },
      { maxSteps: 2, toolTimeoutMs: 50 },
    );
    expect(result.text).toBe('gave up on logs');
    expect(result.steps[0]!.error).toContain('did not finish within 50 ms');
  });
});
