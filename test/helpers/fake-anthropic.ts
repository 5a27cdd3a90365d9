import { startScriptedApi, type FakeReply, type ScriptedApi } from './loopback-http.js';

/**
 * A loopback server speaking Anthropic's Messages wire format (`POST /v1/messages`), as the
 * real API returns it (content blocks incl. tool_use, usage.input_tokens/output_tokens, error
 * envelopes incl. 529 overloaded), so the provider is tested through the real SDK. Like the real
 * API it refuses, before reading the script, a request without x-api-key or anthropic-version,
 * one without max_tokens, and tool_result / tool_use blocks that do not pair up (messages and
 * error shapes as the API sends them, quoted in public issue threads).
 */

export type { FakeReply, RecordedRequest, ScriptedReply } from './loopback-http.js';

export type FakeAnthropic = Omit<ScriptedApi, 'url'> & {
  /** Pass as the SDK's baseURL (no /v1: the SDK appends /v1/messages). */
  baseURL: string;
};

export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id?: string; name: string; input: unknown };

/** A Message object shaped like Anthropic's. */
export function message(opts: {
  content: string | FakeBlock[];
  stopReason?: string;
  usage?: { input: number; output: number; cacheRead?: number };
  model?: string;
}): FakeReply {
  const blocks = typeof opts.content === 'string' ? [{ type: 'text' as const, text: opts.content }] : opts.content;
  const content = blocks.map((b, i) =>
    b.type === 'tool_use' ? { type: 'tool_use', id: b.id ?? `toolu_01Fake${i}${Math.random().toString(36).slice(2, 8)}`, name: b.name, input: b.input } : b,
  );
  const usage = opts.usage ?? { input: 30, output: 12 };
  return {
    json: {
      id: `msg_01${Math.random().toString(36).slice(2, 14)}`,
      type: 'message',
      role: 'assistant',
      model: opts.model ?? 'claude-sonnet-4-6',
      content,
      stop_reason: opts.stopReason ?? (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage: {
        input_tokens: usage.input,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: usage.cacheRead ?? 0,
        output_tokens: usage.output,
        service_tier: 'standard',
      },
    },
  };
}

/** An error as Anthropic sends it: `{"type":"error","error":{type,message},"request_id":…}`. */
export function anthropicError(status: number, type: string, text: string, headers?: Record<string, string>): FakeReply {
  return { status, ...(headers ? { headers } : {}), json: { type: 'error', error: { type, message: text }, request_id: 'req_011Fake' } };
}

interface WireMessage {
  role?: string;
  content?: string | Array<{ type?: string; id?: string; tool_use_id?: string }>;
}

const blocks = (m: WireMessage | undefined) => (Array.isArray(m?.content) ? m.content : []);

/**
 * What the Messages API checks of tool turns: a `tool_result` answers a `tool_use` of the
 * message right before it, and every `tool_use` is answered in the message right after it.
 */
export function toolTurnError(messages: WireMessage[]): FakeReply | undefined {
  for (const [i, m] of messages.entries()) {
    const asked = new Set(blocks(messages[i - 1]).flatMap((b) => (b.type === 'tool_use' && b.id ? [b.id] : [])));
    for (const [j, b] of blocks(m).entries()) {
      if (b.type === 'tool_result' && !asked.has(b.tool_use_id ?? '')) {
        const text = `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        return anthropicError(400, 'invalid_request_error', text);
      }
    }
    const answered = new Set(blocks(messages[i + 1]).flatMap((b) => (b.type === 'tool_result' && b.tool_use_id ? [b.tool_use_id] : [])));
    const unanswered = blocks(m).filter((b) => b.type === 'tool_use' && !answered.has(b.id ?? ''));
    if (i < messages.length - 1 && unanswered.length > 0) {
      const text = `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.map((b) => b.id).join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      return anthropicError(400, 'invalid_request_error', text);
    }
  }
  return undefined;
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const api = await startScriptedApi({
    refuse: (req) => {
      if (req.method !== 'POST' || req.path.split('?')[0] !== '/v1/messages') {
        return anthropicError(404, 'not_found_error', `Not found: ${req.method} ${req.path}`);
      }
      // The API key goes in x-api-key; a Bearer header alone is not one.
      if (!req.headers['x-api-key']) return anthropicError(401, 'authentication_error', 'x-api-key header is required');
      if (!req.headers['anthropic-version']) return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
      const body = req.body as { max_tokens?: unknown; messages?: unknown } | undefined;
      if (body?.max_tokens === undefined) return anthropicError(400, 'invalid_request_error', 'max_tokens: Field required');
      return Array.isArray(body.messages) ? toolTurnError(body.messages as WireMessage[]) : undefined;
    },
    exhausted: () => anthropicError(500, 'api_error', 'fake-anthropic: no scripted reply left'),
    requestHeaders: (count) => ({ 'request-id': `req_011Fake${count}` }),
  });
  return { baseURL: api.url, requests: api.requests, reply: api.reply, reset: api.reset, close: api.close };
}
