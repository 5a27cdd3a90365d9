import http, { type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The plumbing every fake external API in the tests shares: a server on 127.0.0.1 at a free
 * port that closes without waiting for keep-alive connections, and a scripted JSON API that
 * records each request and answers from a queue of replies (the model-provider fakes).
 */

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1; close() drops open connections first, so a test never hangs on keep-alive. */
export async function listenOnLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

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

export interface ScriptedApi {
  url: string;
  requests: RecordedRequest[];
  /** Appends replies to the script; when it runs out the server answers with `exhausted()`. */
  reply(...replies: ScriptedReply[]): void;
  /** Forgets recorded requests and unused scripted replies (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export interface ScriptedApiOptions {
  /** What the real API answers before reading the script (wrong route, no credentials); undefined to go on. */
  refuse(req: RecordedRequest): FakeReply | undefined;
  /** What the real API would answer when the script has run out (a 500 in its error envelope). */
  exhausted(): FakeReply;
  /** Headers every answer carries (request ids), given how many requests arrived so far. */
  requestHeaders(count: number): Record<string, string>;
}

function record(req: http.IncomingMessage, rawBody: string): RecordedRequest {
  let body: unknown = undefined;
  try {
    body = rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    body = undefined;
  }
  return {
    method: req.method ?? '',
    path: req.url ?? '',
    headers: req.headers,
    rawBody,
    body,
    receivedAt: performance.timeOrigin + performance.now(),
  };
}

export async function startScriptedApi(options: ScriptedApiOptions): Promise<ScriptedApi> {
  const requests: RecordedRequest[] = [];
  const script: ScriptedReply[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = record(req, Buffer.concat(chunks).toString('utf8'));
      requests.push(recorded);
      let reply = options.refuse(recorded);
      if (reply === undefined) {
        const next = script.shift();
        reply = next === undefined ? options.exhausted() : typeof next === 'function' ? next(recorded) : next;
      }
      const answer = reply;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, {
          'content-type': answer.contentType ?? 'application/json',
          ...options.requestHeaders(requests.length),
          ...answer.headers,
        });
        res.end(answer.raw ?? JSON.stringify(answer.json ?? {}));
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, answer.delayMs);
        timers.add(t);
      } else send();
    });
  });

  return {
    url: server.url,
    requests,
    reply: (...replies) => void script.push(...replies),
    reset: () => {
      requests.length = 0;
      script.length = 0;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await server.close().catch(() => {});
    },
  };
}
