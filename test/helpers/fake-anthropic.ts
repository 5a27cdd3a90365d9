import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server speaking Anthropic's Messages wire format (`POST /v1/messages`), as the
 * real API returns it (content blocks incl. tool_use, usage.input_tokens/output_tokens, error
 * envelopes incl. 529 overloaded), so the provider is tested through the real SDK.
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
  json?: unknown;
  /** Sent verbatim instead of `json` (to send broken bodies). */
  raw?: string;
  contentType?: string;
  delayMs?: number;
}

export type ScriptedReply = FakeReply | ((req: RecordedRequest) => FakeReply);

export interface FakeAnthropic {
  /** Pass as the SDK's baseURL (no /v1: the SDK appends /v1/messages). */
  baseURL: string;
  requests: RecordedRequest[];
  reply(...replies: ScriptedReply[]): void;
  /** Forgets recorded requests and unused scripted replies (between tests). */
  reset(): void;
  close(): Promise<void>;
}

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
      model: opts.model ?? 'claude-sonnet-4-5-20250929',
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

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
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
      if (req.method !== 'POST' || recorded.path.split('?')[0] !== '/v1/messages') {
        reply = anthropicError(404, 'not_found_error', `Not found: ${req.method} ${recorded.path}`);
      } else if (!req.headers['x-api-key'] && !req.headers.authorization) {
        reply = anthropicError(401, 'authentication_error', 'x-api-key header is required');
      } else {
        const next = script.shift();
        reply = next === undefined ? anthropicError(500, 'api_error', 'fake-anthropic: no scripted reply left') : typeof next === 'function' ? next(recorded) : next;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, {
          'content-type': reply.contentType ?? 'application/json',
          'request-id': `req_011Fake${requests.length}`,
          ...reply.headers,
        });
        res.end(reply.raw ?? JSON.stringify(reply.json ?? {}));
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
    baseURL: `http://127.0.0.1:${port}`,
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
