import { startScriptedApi, type FakeReply, type ScriptedApi } from './loopback-http.js';

/**
 * A loopback server speaking OpenAI's Chat Completions wire format (`POST /v1/chat/completions`),
 * as the real API returns it, so providers are tested through the real `openai` SDK.
 * Replies are scripted in order; every request is recorded (headers, parsed body, arrival time).
 */

export type { FakeReply, RecordedRequest, ScriptedReply } from './loopback-http.js';

export type FakeOpenAI = Omit<ScriptedApi, 'url'> & {
  /** Pass as the SDK's baseURL (ends in /v1). */
  baseURL: string;
};

export interface FakeToolCall {
  id?: string;
  name: string;
  /** A string is sent verbatim (so tests can send malformed JSON); objects are stringified. */
  arguments: string | Record<string, unknown>;
}

/** A chat.completion object shaped like OpenAI's (ids, usage details, system_fingerprint). */
export function completion(opts: {
  content?: string | null;
  toolCalls?: FakeToolCall[];
  finishReason?: string;
  usage?: { prompt: number; completion: number };
  model?: string;
}): FakeReply {
  const toolCalls = opts.toolCalls?.map((c, i) => ({
    id: c.id ?? `call_${Math.random().toString(36).slice(2, 10)}${i}`,
    type: 'function',
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
  const usage = opts.usage ?? { prompt: 25, completion: 9 };
  return {
    json: {
      id: `chatcmpl-${Math.random().toString(36).slice(2, 14)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: opts.model ?? 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: opts.content === undefined ? (toolCalls ? null : '') : opts.content,
            ...(toolCalls ? { tool_calls: toolCalls } : {}),
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: opts.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
        },
      ],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake0001',
    },
  };
}

/** An error as OpenAI sends it: `{"error": {message, type, param, code}}`. */
export function openaiError(status: number, message: string, opts: { type?: string; code?: string | null; headers?: Record<string, string> } = {}): FakeReply {
  return {
    status,
    ...(opts.headers ? { headers: opts.headers } : {}),
    json: { error: { message, type: opts.type ?? (status === 429 ? 'requests' : 'server_error'), param: null, code: opts.code ?? null } },
  };
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const api = await startScriptedApi({
    refuse: (req) =>
      req.method !== 'POST' || req.path.split('?')[0] !== '/v1/chat/completions'
        ? openaiError(404, `Invalid URL (${req.method} ${req.path})`, { type: 'invalid_request_error' })
        : undefined,
    exhausted: () => openaiError(500, 'fake-openai: no scripted reply left'),
    requestHeaders: (count) => ({ 'x-request-id': `req_${count}` }),
  });
  return { baseURL: `${api.url}/v1`, requests: api.requests, reply: api.reply, reset: api.reset, close: api.close };
}
