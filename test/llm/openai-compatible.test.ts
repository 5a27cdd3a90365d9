import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SyntraError } from '../../src/domain/errors.js';
import { OpenAICompatibleProvider } from '../../src/llm/openai-compatible.js';
import type { ToolDefinition } from '../../src/llm/provider.js';
import { usageLedgerPayload } from '../../src/llm/usage.js';
import { completion, openaiError, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { syntraFailure } from '../helpers/syntra-failure.js';

const KEY = 'sk-test-0123456789abcdefSECRET';
const FAST = { baseDelayMs: 1, maxDelayMs: 5 };
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
});

const provider = (over: Partial<ConstructorParameters<typeof OpenAICompatibleProvider>[0]> = {}) =>
  new OpenAICompatibleProvider({ name: 'openai', baseURL: fake.baseURL, apiKey: KEY, timeoutMs: 5_000, retry: FAST, ...over });

const getPodTool: ToolDefinition = {
  name: 'get_pod',
  description: 'Read one pod',
  parameters: { type: 'object', properties: { namespace: { type: 'string' }, name: { type: 'string' } }, required: ['namespace', 'name'] },
};

describe('OpenAI-compatible provider against a loopback Chat Completions server', () => {
  it('sends system prompt, messages, tools, auth and options in the OpenAI wire format and returns usage', async () => {
    fake.reply(completion({ content: 'The pod is OOMKilled.', usage: { prompt: 120, completion: 7 } }));
    const res = await provider().chat({
      model: 'gpt-4o-mini',
      system: 'You are an SRE.',
      messages: [{ role: 'user', content: 'why is auth-service crashing?' }],
      tools: [getPodTool],
      temperature: 0.1,
      maxTokens: 300,
      responseFormat: 'json',
    });
    expect(res).toMatchObject({
      text: 'The pod is OOMKilled.',
      toolCalls: [],
      stopReason: 'end_turn',
      rawStopReason: 'stop',
      usage: { inputTokens: 120, outputTokens: 7 },
      attempts: 1,
      model: 'gpt-4o-mini',
      servedModel: 'gpt-4o-mini-2024-07-18',
      provider: 'openai',
    });
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
    // gpt-4o-mini at list price: (120 × 0.15 + 7 × 0.60) / 1e6 USD, to a millionth.
    expect(usageLedgerPayload(res)).toEqual({ provider: 'openai', model: 'gpt-4o-mini', inputTokens: 120, outputTokens: 7, latencyMs: res.latencyMs, attempts: 1, estimatedCostUsd: 0.000022 });

    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are an SRE.' },
        { role: 'user', content: 'why is auth-service crashing?' },
      ],
      tools: [{ type: 'function', function: { name: 'get_pod', description: 'Read one pod', parameters: getPodTool.parameters } }],
      temperature: 0.1,
      max_tokens: 300,
      response_format: { type: 'json_object' },
    });
    expect(sent.body).not.toHaveProperty('stream');
  });

  it('returns tool calls with parsed arguments, and replays assistant tool calls and tool results', async () => {
    fake.reply(completion({ toolCalls: [{ id: 'call_1', name: 'get_pod', arguments: { namespace: 'production', name: 'auth-1' } }] }));
    const res = await provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [getPodTool] });
    expect(res.stopReason).toBe('tool_use');
    expect(res.toolCalls).toEqual([{ id: 'call_1', name: 'get_pod', arguments: { namespace: 'production', name: 'auth-1' }, rawArguments: '{"namespace":"production","name":"auth-1"}' }]);

    fake.reply(completion({ content: 'done' }));
    await provider().chat({
      model: 'm',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '', toolCalls: res.toolCalls },
        { role: 'tool', toolCallId: 'call_1', content: '{"phase":"Running"}' },
      ],
      tools: [getPodTool],
    });
    expect((fake.requests[1]!.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_pod', arguments: '{"namespace":"production","name":"auth-1"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"phase":"Running"}' },
    ]);
  });

  it('turns malformed tool arguments into a typed error on the call instead of throwing', async () => {
    fake.reply(completion({ toolCalls: [{ id: 'call_bad', name: 'get_pod', arguments: '{"namespace": "production", name: ' }] }));
    const res = await provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [getPodTool] });
    const call = res.toolCalls[0]!;
    expect(call.arguments).toBeUndefined();
    expect(call.rawArguments).toBe('{"namespace": "production", name: ');
    expect(call.argumentsError).toBeInstanceOf(SyntraError);
    expect(call.argumentsError!.code).toBe('provider_invalid_output');
    expect(call.argumentsError!.message).toContain('get_pod');
  });

  it('honours Retry-After on 429: the retry arrives no earlier than the server asked', async () => {
    fake.reply(openaiError(429, 'Rate limit reached for gpt-4o-mini', { code: 'rate_limit_exceeded', headers: { 'retry-after': '1' } }), completion({ content: 'ok' }));
    const res = await provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).toBe('ok');
    expect(res.attempts).toBe(2);
    expect(fake.requests).toHaveLength(2);
    // 1 s requested; allow 15 ms for clock granularity between the two processes' timers.
    expect(fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt).toBeGreaterThanOrEqual(985);
  });

  it('retries a 500 and succeeds', async () => {
    fake.reply(openaiError(500, 'The server had an error while processing your request.'), completion({ content: 'recovered' }));
    const res = await provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(res).toMatchObject({ text: 'recovered', attempts: 2 });
  });

  it('gives up on a persistent 500 after maxAttempts with a retryable provider_error naming provider, model and status', async () => {
    fake.reply(openaiError(500, 'boom'), openaiError(502, 'bad gateway'), openaiError(503, 'unavailable'), completion({ content: 'too late' }));
    const err = await syntraFailure(provider({ retry: { ...FAST, maxAttempts: 3 } }).chat({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err.code).toBe('provider_error');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/openai model gpt-x: HTTP 503/);
    expect(err.message).toContain('3 attempt(s)');
    expect(err.message).toContain('retryable');
    expect(err.details).toMatchObject({ provider: 'openai', model: 'gpt-x', status: 503, attempts: 3, retryable: true });
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a 400, and never shows the API key the server echoes back', async () => {
    fake.reply(openaiError(401, `Incorrect API key provided: ${KEY}.`, { type: 'invalid_request_error', code: 'invalid_api_key' }));
    const err = await syntraFailure(provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err).toMatchObject({ code: 'provider_error', retryable: false });
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('not retryable');
    expect(err.message).not.toContain('SECRET');
    expect(JSON.stringify(err.details)).not.toContain('SECRET');
    expect(fake.requests).toHaveLength(1);
  });

  it('fails at once when Retry-After exceeds the cap, and when waiting would pass the deadline', async () => {
    fake.reply(openaiError(429, 'slow down', { headers: { 'retry-after': '120' } }));
    const capped = await syntraFailure(provider({ retry: { ...FAST, maxRetryAfterMs: 5_000 } }).chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    expect(capped).toMatchObject({ code: 'provider_error', retryable: true, details: { status: 429, attempts: 1 } });
    expect(capped.message).toContain('above the 5000 ms cap');

    fake.reply(openaiError(429, 'slow down', { headers: { 'retry-after': '2' } }));
    const late = await syntraFailure(provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { deadlineMs: 1_000 }));
    expect(late.message).toContain('deadline');
    expect(fake.requests).toHaveLength(2);
  });

  it('times out a slow response with a timeout error (each attempt bounded)', async () => {
    fake.reply({ ...completion({ content: 'late' }), delayMs: 3_000 }, { ...completion({ content: 'late' }), delayMs: 3_000 });
    const err = await syntraFailure(provider({ retry: { ...FAST, maxAttempts: 2 } }).chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { timeoutMs: 150 }));
    expect(err.code).toBe('timeout');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('no response within 150 ms');
    expect(err.details).toMatchObject({ attempts: 2, kind: 'timeout' });
  });

  it('reports cancellation by the caller as cancelled, without retrying', async () => {
    fake.reply({ ...completion({ content: 'late' }), delayMs: 3_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await syntraFailure(provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { signal: ac.signal }));
    expect(err.code).toBe('cancelled');
    expect(fake.requests).toHaveLength(1);
  });

  it('maps an invalid JSON body, a non-JSON body and a body without choices to a non-retryable provider_error', async () => {
    fake.reply({ raw: '{"id": "chatcmpl-1", "choices": [' });
    const broken = await syntraFailure(provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    expect(broken).toMatchObject({ code: 'provider_error', retryable: false });
    expect(broken.message).toContain('invalid response');

    fake.reply({ raw: '<html>bad gateway config</html>', contentType: 'text/html' });
    const html = await syntraFailure(provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    expect(html.message).toContain('invalid response');

    fake.reply({ json: { id: 'x', object: 'chat.completion', choices: [] } });
    const empty = await syntraFailure(provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    expect(empty.message).toContain('choices[0].message');
    expect(fake.requests).toHaveLength(3);
  });

  it('connection refused → retryable provider_error after all attempts', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const p = new OpenAICompatibleProvider({ name: 'ollama', baseURL: `http://127.0.0.1:${port}/v1`, retry: { ...FAST, maxAttempts: 2 } });
    const err = await syntraFailure(p.chat({ model: 'llama3.1', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err).toMatchObject({ code: 'provider_error', retryable: true, details: { provider: 'ollama', model: 'llama3.1', kind: 'connection', attempts: 2 } });
    expect(err.message).toContain('ECONNREFUSED');
  });
});
