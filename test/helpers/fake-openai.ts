import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server speaking OpenAI's Chat Completions wire format (`POST /v1/chat/completions`),
 * as the real API returns it, so providers are tested through the real `openai` SDK.
 * Replies are scripted in order; every request is recorded (headers, parsed body, arrival time).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  /** Epoch milliseconds with sub-millisecond precision. */
  receivedAt: number;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Serialized as the JSON body. */
  json?: unknown;
  /** Sent verbatim instead of `json` (to send broken bodies). */
  raw?: string;
  contentType?: string;
  /** Wait before answering (timeouts). */
  delayMs?: number;
}

export type ScriptedReply = FakeReply | ((req: RecordedRequest) => FakeReply);

export interface FakeOpenAI {
  /** Pass as the SDK's baseURL (ends in /v1). */
  baseURL: string;
  requests: RecordedRequest[];
  /** Appends replies to the script; when it runs out the server answers 500 "no scripted reply". */
  reply(...replies: ScriptedReply[]): void;
  /** Forgets recorded requests and unused scripted replies (between tests). */
  reset(): void;
  close(): Promise<void>;
}

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
  const requests: RecordedRequest[] = [];
  const script: ScriptedReply[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body,
        receivedAt: performance.timeOrigin + performance.now(),
      };
      requests.push(recorded);

      let reply: FakeReply;
      if (req.method !== 'POST' || recorded.path.split('?')[0] !== '/v1/chat/completions') {
        reply = openaiError(404, `Invalid URL (${req.method} ${recorded.path})`, { type: 'invalid_request_error' });
      } else {
        const next = script.shift();
        reply = next === undefined ? openaiError(500, 'fake-openai: no scripted reply left') : typeof next === 'function' ? next(recorded) : next;
      }
      const send = () => {
        if (res.destroyed) return;
        const payload = reply.raw ?? JSON.stringify(reply.json ?? {});
        res.writeHead(reply.status ?? 200, {
          'content-type': reply.contentType ?? 'application/json',
          'x-request-id': `req_${requests.length}`,
          ...reply.headers,
        });
        res.end(payload);
      };
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, reply.delayMs);
        timers.add(t);
      } else send();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => void script.push(...replies),
    reset: () => {
      requests.length = 0;
      script.length = 0;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
