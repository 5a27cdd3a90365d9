import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { OpenAICompatibleProvider } from '../../src/llm/openai-compatible.js';
import type { ChatMessage } from '../../src/llm/provider.js';
import { message, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { syntraFailure } from '../helpers/syntra-failure.js';

/**
 * The loopback providers refuse what the real APIs refuse, in the real error shapes, so a
 * provider that sends a request OpenAI or Anthropic would reject fails here too: no key, a tool
 * result without its tool call (or a call without its result), no max_tokens for Anthropic.
 * Checked with raw HTTP (the exact answer) and through our providers (what a run would see).
 */
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
});
afterAll(async () => {
  await Promise.all([openai?.close(), anthropic?.close()]);
});

const post = async (url: string, headers: Record<string, string>, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the OpenAI loopback refuses like api.openai.com', () => {
  const url = () => `${openai.baseURL}/chat/completions`;
  const auth = { authorization: 'Bearer sk-test-loopback' };
  const user = { role: 'user', content: 'why is billing crashing?' };
  const call = { id: 'call_1', type: 'function', function: { name: 'get_logs', arguments: '{"pod":"billing"}' } };

  it('a request without Authorization: 401 in the error envelope', async () => {
    openai.reply(completion({ content: 'never sent' }));
    const res = await post(url(), {}, { model: 'gpt-4o-mini', messages: [user] });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { message: expect.stringMatching(/^You didn't provide an API key\. You need to provide your API key in an Authorization header using Bearer auth/), type: 'invalid_request_error', param: null, code: null } });
    openai.reset();
  });

  it("a tool message with no preceding assistant tool_calls of its id: 400 naming the message", async () => {
    const res = await post(url(), auth, { model: 'gpt-4o-mini', messages: [user, { role: 'tool', tool_call_id: 'call_1', content: 'logs' }] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", type: 'invalid_request_error', param: 'messages.[1].role', code: null },
    });
    const otherId = await post(url(), auth, { model: 'gpt-4o-mini', messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_2', content: 'logs' }] });
    expect(otherId.status).toBe(400);
  });

  it('an assistant tool_calls message not answered for each id: 400 listing the ids', async () => {
    const res = await post(url(), auth, { model: 'gpt-4o-mini', messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, user] });
    expect(res.status).toBe(400);
    expect((res.body.error as { message: string }).message).toBe(
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_1",
    );
  });

  it('through our provider: a broken conversation is a non-retryable provider_error with the server message', async () => {
    const provider = new OpenAICompatibleProvider({ name: 'openai', baseURL: openai.baseURL, apiKey: 'sk-test-loopback', retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const messages: ChatMessage[] = [{ role: 'user', content: 'hi' }, { role: 'tool', toolCallId: 'call_9', content: 'orphan' }];
    const err = await syntraFailure(provider.chat({ model: 'gpt-4o-mini', messages }));
    expect(err).toMatchObject({ code: 'provider_error', retryable: false });
    expect(err.message).toContain("messages with role 'tool' must be a response");
    expect(openai.requests.at(-1)!.body).toMatchObject({ messages: [{ role: 'user' }, { role: 'tool', tool_call_id: 'call_9' }] });
  });
});

describe('the Anthropic loopback refuses like api.anthropic.com', () => {
  const url = () => `${anthropic.baseURL}/v1/messages`;
  const headers = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };
  const user = { role: 'user', content: 'why is billing crashing?' };
  const toolUse = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'get_logs', input: { pod: 'billing' } }] };
  const result = (id: string) => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'logs' }] });
  const error = (type: string, text: string) => ({ type: 'error', error: { type, message: text }, request_id: expect.stringMatching(/^req_/) });

  it('a request without x-api-key: 401 authentication_error (a Bearer header is not the API key)', async () => {
    const res = await post(url(), { authorization: 'Bearer sk-ant-test', 'anthropic-version': '2023-06-01' }, { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [user] });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(error('authentication_error', 'x-api-key header is required'));
  });

  it('a request without anthropic-version or max_tokens: 400 invalid_request_error', async () => {
    const noVersion = await post(url(), { 'x-api-key': 'sk-ant-test' }, { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [user] });
    expect(noVersion).toEqual({ status: 400, body: error('invalid_request_error', 'anthropic-version: header is required') });
    const noMax = await post(url(), headers, { model: 'claude-sonnet-4-6', messages: [user] });
    expect(noMax).toEqual({ status: 400, body: error('invalid_request_error', 'max_tokens: Field required') });
  });

  it('a tool_result without the matching tool_use in the previous message, and a tool_use left unanswered: 400', async () => {
    const orphan = await post(url(), headers, { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [user, { role: 'assistant', content: 'thinking' }, result('toolu_01A')] });
    expect(orphan).toEqual({
      status: 400,
      body: error('invalid_request_error', 'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01A. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'),
    });
    const unanswered = await post(url(), headers, { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [user, toolUse, user] });
    expect(unanswered).toEqual({
      status: 400,
      body: error('invalid_request_error', 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01A. Each `tool_use` block must have a corresponding `tool_result` block in the next message.'),
    });
    anthropic.reply(message({ content: 'paired correctly' }));
    const paired = await post(url(), headers, { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [user, toolUse, result('toolu_01A')] });
    expect(paired.status).toBe(200);
  });

  it('through our provider: the orphaned tool result is refused, not retried', async () => {
    const provider = new AnthropicProvider({ baseURL: anthropic.baseURL, apiKey: 'sk-ant-test', retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const before = anthropic.requests.length;
    const err = await syntraFailure(provider.chat({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }, { role: 'tool', toolCallId: 'toolu_x', content: 'orphan' }] }));
    expect(err).toMatchObject({ code: 'provider_error', retryable: false });
    expect(err.message).toContain('unexpected `tool_use_id`');
    expect(anthropic.requests.length - before).toBe(1);
  });
});
