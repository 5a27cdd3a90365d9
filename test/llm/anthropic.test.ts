import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { JSON_ONLY_INSTRUCTION, type ToolDefinition } from '../../src/llm/provider.js';
import { runToolLoop } from '../../src/llm/structured.js';
import { anthropicError, message, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { syntraFailure } from '../helpers/syntra-failure.js';

const KEY = 'sk-ant-api03-test-0123456789SECRET';
const FAST = { baseDelayMs: 1, maxDelayMs: 5 };
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => fake.reset());

const provider = (over: Partial<ConstructorParameters<typeof AnthropicProvider>[0]> = {}) =>
  new AnthropicProvider({ baseURL: fake.baseURL, apiKey: KEY, timeoutMs: 5_000, retry: FAST, ...over });

const logsTool: ToolDefinition = {
  name: 'get_logs',
  description: 'Read container logs',
  parameters: { type: 'object', properties: { pod: { type: 'string' }, previous: { type: 'boolean' } }, required: ['pod'] },
};

describe('Anthropic provider against a loopback Messages API server', () => {
  it('sends the system prompt top-level, x-api-key and anthropic-version, and counts tokens', async () => {
    fake.reply(message({ content: 'Looks like a bad DATABASE_URL.', usage: { input: 200, output: 11, cacheRead: 50 } }));
    const res = await provider().chat({
      model: 'claude-sonnet-4-6',
      system: 'You are an SRE.',
      messages: [{ role: 'user', content: 'why?' }],
      maxTokens: 512,
      temperature: 0,
      responseFormat: 'json',
    });
    expect(res).toMatchObject({
      text: 'Looks like a bad DATABASE_URL.',
      stopReason: 'end_turn',
      usage: { inputTokens: 250, outputTokens: 11 },
      attempts: 1,
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      servedModel: 'claude-sonnet-4-6',
    });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.body).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 512,
      temperature: 0,
      system: `You are an SRE.\n\n${JSON_ONLY_INSTRUCTION}`,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'why?' }] }],
    });
  });

  it('runs a tool round trip through runToolLoop with tool_use / tool_result blocks', async () => {
    fake.reply(
      message({ content: [{ type: 'text', text: 'Let me read the logs.' }, { type: 'tool_use', id: 'toolu_A', name: 'get_logs', input: { pod: 'auth-1', previous: true } }] }),
      message({ content: [{ type: 'tool_use', id: 'toolu_B', name: 'get_logs', input: { pod: 'auth-2' } }] }),
      message({ content: 'Root cause: connection refused to postgres.' }),
    );
    const seen: unknown[] = [];
    const result = await runToolLoop(
      provider(),
      { model: 'claude-sonnet-4-6', system: 'Investigate.', messages: [{ role: 'user', content: 'auth-service crashes' }], tools: [logsTool] },
      { get_logs: async (args) => (seen.push(args), 'FATAL: connection refused') },
      { maxSteps: 5 },
    );
    expect(result).toMatchObject({ finished: true, stopReason: 'final_answer', text: 'Root cause: connection refused to postgres.' });
    expect(seen).toEqual([{ pod: 'auth-1', previous: true }, { pod: 'auth-2' }]);
    expect(result.usage).toEqual({ inputTokens: 90, outputTokens: 36 });

    expect(fake.requests).toHaveLength(3);
    const first = fake.requests[0]!.body as Record<string, unknown>;
    expect(first.tools).toEqual([{ name: 'get_logs', description: 'Read container logs', input_schema: logsTool.parameters }]);
    const second = fake.requests[1]!.body as { messages: unknown[] };
    expect(second.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'auth-service crashes' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me read the logs.' },
          { type: 'tool_use', id: 'toolu_A', name: 'get_logs', input: { pod: 'auth-1', previous: true } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_A', content: 'FATAL: connection refused' }] },
    ]);
  });

  it('retries 529 overloaded and 429 with Retry-After: 0, then succeeds', async () => {
    fake.reply(
      anthropicError(529, 'overloaded_error', 'Overloaded'),
      anthropicError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '0' }),
      message({ content: 'fine' }),
    );
    const res = await provider().chat({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(res).toMatchObject({ text: 'fine', attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('persistent 500 → retryable provider_error after maxAttempts; 400 is not retried', async () => {
    fake.reply(anthropicError(500, 'api_error', 'Internal server error'), anthropicError(500, 'api_error', 'Internal server error'));
    const err = await syntraFailure(provider({ retry: { ...FAST, maxAttempts: 2 } }).chat({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err).toMatchObject({ code: 'provider_error', retryable: true, details: { provider: 'anthropic', status: 500, attempts: 2 } });
    expect(err.message).toContain('anthropic model claude-haiku-4-5: HTTP 500');

    fake.reply(anthropicError(400, 'invalid_request_error', 'messages: roles must alternate'));
    const bad = await syntraFailure(provider().chat({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }));
    expect(bad).toMatchObject({ code: 'provider_error', retryable: false, details: { status: 400, attempts: 1 } });
    expect(bad.message).not.toContain('SECRET');
  });

  it('times out, and maps an invalid JSON body to provider_error', async () => {
    fake.reply({ ...message({ content: 'late' }), delayMs: 3_000 });
    const slow = await syntraFailure(provider({ retry: { maxAttempts: 1 } }).chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { timeoutMs: 100 }));
    expect(slow).toMatchObject({ code: 'timeout', details: { provider: 'anthropic', attempts: 1 } });

    fake.reply({ raw: '{"type":"message","content":[{"type":"text"' });
    const broken = await syntraFailure(provider().chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    expect(broken).toMatchObject({ code: 'provider_error', retryable: false });
    expect(broken.message).toContain('invalid response');
  });

  it('merges consecutive tool results and a follow-up user message into one user turn', async () => {
    fake.reply(message({ content: 'ok' }));
    await provider().chat({
      model: 'm',
      tools: [logsTool],
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'get_logs', arguments: { pod: 'a' } }, { id: 't2', name: 'get_logs', arguments: { pod: 'b' } }] },
        { role: 'tool', toolCallId: 't1', content: 'log a' },
        { role: 'tool', toolCallId: 't2', content: 'boom', isError: true },
      ],
    });
    const sent = fake.requests[0]!.body as { messages: Array<{ role: string; content: unknown[] }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 't1', content: 'log a' },
      { type: 'tool_result', tool_use_id: 't2', content: 'boom', is_error: true },
    ]);
  });
});
