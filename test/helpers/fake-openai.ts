import { startScriptedApi, type FakeReply, type ScriptedApi } from './loopback-http.js';

/**
 * A loopback server speaking OpenAI's Chat Completions wire format (`POST /v1/chat/completions`),
 * as the real API returns it, so providers are tested through the real `openai` SDK.
 * Replies are scripted in order; every request is recorded (headers, parsed body, arrival time).
 * Like the real API it refuses, before reading the script, a request without a Bearer key and
 * a conversation whose tool messages do not answer the assistant's tool calls (the messages and
 * error shapes are the real ones, as users quote them in public issue threads).
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

const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";

interface WireMessage {
  role?: string;
  tool_call_id?: string;
  tool_calls?: Array<{ id?: string }>;
}

const invalidRequest = (message: string, param: string | null): FakeReply => ({ status: 400, json: { error: { message, type: 'invalid_request_error', param, code: null } } });

/**
 * What the Chat Completions API checks of a conversation's tool turns: each `tool` message
 * answers a tool call of the assistant message before it (tool messages may follow each other),
 * and every such call is answered before the conversation goes on.
 */
export function toolTurnError(messages: WireMessage[]): FakeReply | undefined {
  let open: { at: number; ids: Set<string> } | undefined;
  for (const [i, m] of messages.entries()) {
    if (m.role === 'tool') {
      if (!open || !open.ids.delete(m.tool_call_id ?? '')) {
        return invalidRequest("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`);
      }
      continue;
    }
    if (open && open.ids.size > 0) {
      const ids = [...open.ids].join(', ');
      return invalidRequest(`An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${ids}`, `messages.[${open.at}].role`);
    }
    open = m.role === 'assistant' && m.tool_calls?.length ? { at: i, ids: new Set(m.tool_calls.map((c) => c.id ?? '')) } : undefined;
  }
  return open && open.ids.size > 0 ? toolTurnError([...messages, {}]) : undefined;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const api = await startScriptedApi({
    refuse: (req) => {
      if (req.method !== 'POST' || req.path.split('?')[0] !== '/v1/chat/completions') {
        return openaiError(404, `Invalid URL (${req.method} ${req.path})`, { type: 'invalid_request_error' });
      }
      if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ''))) return { status: 401, json: { error: { message: NO_KEY, type: 'invalid_request_error', param: null, code: null } } };
      const messages = (req.body as { messages?: unknown } | undefined)?.messages;
      return Array.isArray(messages) ? toolTurnError(messages as WireMessage[]) : undefined;
    },
    exhausted: () => openaiError(500, 'fake-openai: no scripted reply left'),
    requestHeaders: (count) => ({ 'x-request-id': `req_${count}` }),
  });
  return { baseURL: `${api.url}/v1`, requests: api.requests, reply: api.reply, reset: api.reset, close: api.close };
}
