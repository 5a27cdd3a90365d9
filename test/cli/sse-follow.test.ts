import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/client/http.js';
import { followRunEvents, SseParser, type FollowItem } from '../../src/cli/client/sse.js';

/**
 * The CLI's SSE follower against a loopback server speaking the run-events protocol: it parses
 * the wire format, resumes with Last-Event-ID when the connection drops mid-run, and stops at `end`.
 */
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const event = (seq: number, type: string) =>
  `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ seq, type, taskId: null, actor: null, data: { n: seq }, createdAt: new Date(0).toISOString() })}\n\n`;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
}

async function collect(it: AsyncGenerator<FollowItem>, max = 50): Promise<FollowItem[]> {
  const out: FollowItem[] = [];
  for await (const item of it) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

describe('SseParser', () => {
  it('handles CRLF, comments, multi-line data, retry, and chunks split anywhere', () => {
    const p = new SseParser();
    const wire = 'retry: 1500\r\n: heartbeat\r\n\r\nid: 7\r\nevent: step\r\ndata: line one\r\ndata: line two\r\n\r\nevent: end\ndata: {}\n\n';
    const got = [...wire].flatMap((ch) => p.push(ch));
    expect(got).toEqual([
      { id: '7', event: 'step', data: 'line one\nline two' },
      { id: '7', event: 'end', data: '{}' },
    ]);
    expect(p.retryMs).toBe(1500);
  });
});

describe('followRunEvents', () => {
  it('resumes after a dropped connection with Last-Event-ID and stops at end', async () => {
    const seen: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      seen.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (seen.length === 1) {
        res.write('retry: 10\n\n' + event(1, 'run.queued') + event(2, 'task.started'));
        // Drop the connection mid-run, as a proxy or a restarting server would.
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      // A server resuming correctly never repeats; the client must also ignore repeats.
      res.end(event(2, 'task.started') + event(3, 'run.succeeded') + 'event: end\ndata: {"status":"succeeded"}\n\n');
    });
    const client = new ApiClient(url, { kind: 'none' });
    const items = await collect(followRunEvents(client, '01234567-89ab-7def-8123-456789abcdef', { maxReconnects: 3 }));
    expect(seen).toEqual([undefined, '2']);
    expect(items.map((i) => (i.kind === 'end' ? `end:${i.status}` : i.event.seq))).toEqual([1, 2, 3, 'end:succeeded']);
  });

  it('gives up after repeated drops with an error that says how to pick the run up again', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 5\n\n');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const client = new ApiClient(url, { kind: 'none' });
    await expect(collect(followRunEvents(client, 'r1', { maxReconnects: 2 }))).rejects.toThrow(/syntra runs watch r1/);
  });

  it('an HTTP error is final, not retried', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls += 1;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'run r2 does not exist' } }));
    });
    const client = new ApiClient(url, { kind: 'none' });
    await expect(collect(followRunEvents(client, 'r2'))).rejects.toMatchObject({ code: 'not_found' });
    expect(calls).toBe(1);
  });
});
