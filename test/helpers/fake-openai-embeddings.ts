import { createHash } from 'node:crypto';
import { listenOnLoopback, type RecordedRequest } from './loopback-http.js';

/**
 * A loopback server speaking OpenAI's embeddings wire format (`POST /v1/embeddings`), for the
 * real `openai` client: a Bearer key is required, `input` is a string or a list, and each
 * input gets a deterministic vector (a bag of words hashed into `dimensions` buckets, so equal
 * words give close vectors — unlike Syntra's own embedder, so a test can tell them apart).
 * `failing = true` answers 503 like an overloaded endpoint.
 */
export interface FakeEmbeddings {
  baseURL: string;
  requests: RecordedRequest[];
  failing: boolean;
  close(): Promise<void>;
}

function vectorOf(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const w of text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) v[createHash('sha1').update(w).digest().readUInt32BE(0) % dimensions]! += 1;
  return v;
}

export async function startFakeEmbeddings(dimensions = 64): Promise<FakeEmbeddings> {
  const state: FakeEmbeddings = { baseURL: '', requests: [], failing: false, close: async () => {} };
  const server = await listenOnLoopback((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      state.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody: raw, body, receivedAt: performance.timeOrigin + performance.now() });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${state.requests.length}` });
        res.end(JSON.stringify(json));
      };
      const error = (status: number, message: string, type: string) => send(status, { error: { message, type, param: null, code: null } });
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') return error(404, `Invalid URL (${req.method} ${req.url})`, 'invalid_request_error');
      if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ''))) return error(401, "You didn't provide an API key.", 'invalid_request_error');
      if (state.failing) return error(503, 'The server is overloaded or not ready yet.', 'server_error');
      const b = body as { input?: unknown; model?: unknown } | undefined;
      const inputs = typeof b?.input === 'string' ? [b.input] : Array.isArray(b?.input) ? (b.input as unknown[]) : undefined;
      if (!inputs || !inputs.every((x) => typeof x === 'string') || typeof b?.model !== 'string') {
        return error(400, "'input' and 'model' are required", 'invalid_request_error');
      }
      send(200, {
        object: 'list',
        data: (inputs as string[]).map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text, dimensions) })),
        model: b.model,
        usage: { prompt_tokens: inputs.length * 8, total_tokens: inputs.length * 8 },
      });
    });
  });
  state.baseURL = `${server.url}/v1`;
  state.close = server.close;
  return state;
}
