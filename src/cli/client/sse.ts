import { setTimeout as sleep } from 'node:timers/promises';
import { SyntraError, isSyntraError } from '../../domain/errors.js';
import type { ApiClient } from './http.js';

/**
 * Server-Sent Events for the CLI: a small spec-following parser (`id:`, `event:`, `data:`,
 * `retry:`, comments) and a follower for a run's ledger that resumes with Last-Event-ID when the
 * connection drops and stops at the final `end` event.
 */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

export class SseParser {
  #buffer = '';
  #id: string | undefined;
  #event = '';
  #data: string[] = [];
  /** Milliseconds the server asked clients to wait before reconnecting. */
  retryMs: number | undefined;

  /** Feeds decoded text; returns the messages completed by it. */
  push(text: string): SseMessage[] {
    this.#buffer += text;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.#buffer);
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (!m || (m[0] === '\r' && m.index === this.#buffer.length - 1)) break;
      const line = this.#buffer.slice(0, m.index);
      this.#buffer = this.#buffer.slice(m.index + m[0].length);
      const message = this.#line(line);
      if (message) out.push(message);
    }
    return out;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') {
      if (this.#data.length === 0 && this.#event === '') return undefined;
      const message = { id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') };
      this.#event = '';
      this.#data = [];
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }
}

/** One ledger event of a run, as the API streams it. */
export interface RunEvent {
  seq: number;
  type: string;
  taskId: string | null;
  actor: string | null;
  data: unknown;
  createdAt: string;
}

export type FollowItem = { kind: 'event'; event: RunEvent } | { kind: 'end'; status: string };

export interface FollowOptions {
  afterSeq?: number;
  signal?: AbortSignal;
  /** Reconnects in a row without receiving anything before giving up. */
  maxReconnects?: number;
  onReconnect?: (attempt: number, lastSeq: number) => void;
}

export async function* followRunEvents(client: ApiClient, runId: string, options: FollowOptions = {}): AsyncGenerator<FollowItem> {
  let lastSeq = options.afterSeq ?? 0;
  let failures = 0;
  const maxReconnects = options.maxReconnects ?? 8;
  const path = `/v1/runs/${encodeURIComponent(runId)}/events`;
  for (;;) {
    const parser = new SseParser();
    let dropped: unknown;
    try {
      const res = await client.send('GET', path, {
        headers: { accept: 'text/event-stream', ...(lastSeq > 0 ? { 'last-event-id': String(lastSeq) } : {}) },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!res.body) throw new SyntraError('internal', 'the event stream has no body');
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (message.event === 'end') {
            const status = (JSON.parse(message.data || '{}') as { status?: string }).status ?? 'unknown';
            yield { kind: 'end', status };
            return;
          }
          const event = JSON.parse(message.data) as RunEvent;
          if (event.seq <= lastSeq) continue;
          lastSeq = event.seq;
          failures = 0;
          yield { kind: 'event', event };
        }
      }
      dropped = new Error('the server closed the stream before the run ended');
    } catch (e) {
      if (options.signal?.aborted) return;
      // HTTP answers (404, 401, 403, …) are final; only a lost connection is worth resuming.
      if (isSyntraError(e) && e.code !== 'server_unreachable') throw e;
      dropped = e;
    }
    failures += 1;
    if (failures > maxReconnects) {
      if (isSyntraError(dropped)) throw dropped;
      throw new SyntraError('server_unreachable', `lost the event stream of run ${runId} at ${client.endpoint} and could not resume it; \`syntra runs watch ${runId}\` picks it up again`, { cause: dropped });
    }
    options.onReconnect?.(failures, lastSeq);
    await sleep(Math.min(parser.retryMs ?? 500, 2000) * failures, undefined, options.signal ? { signal: options.signal } : {}).catch(() => {});
    if (options.signal?.aborted) return;
  }
}
