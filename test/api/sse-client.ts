/**
 * A minimal Server-Sent Events reader over the real `fetch`, for tests: collects frames until
 * the server closes the stream, a predicate says stop, or the deadline passes (then it throws).
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

export interface SseResult {
  status: number;
  contentType: string | null;
  frames: SseFrame[];
  /** Comment lines (": heartbeat") seen. */
  comments: string[];
}

function parseBlock(block: string): { frame?: SseFrame; comments: string[] } {
  const frame: SseFrame = {};
  const comments: string[] = [];
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (name === 'id' || name === 'event' || name === 'data') {
      frame[name] = name === 'data' && frame.data !== undefined ? `${frame.data}\n${value}` : value;
      fields++;
    }
  }
  return fields > 0 ? { frame, comments } : { comments };
}

export async function readSse(
  url: string,
  opts: { headers?: Record<string, string>; timeoutMs?: number; until?: (seen: SseResult) => boolean; signal?: AbortSignal } = {},
): Promise<SseResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`SSE ${url} did not finish within ${opts.timeoutMs ?? 15000} ms`)), opts.timeoutMs ?? 15000);
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...opts.headers }, signal: controller.signal });
    const result: SseResult = { status: res.status, contentType: res.headers.get('content-type'), frames: [], comments: [] };
    if (!res.body) return result;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let sep: number;
      while ((sep = buffer.indexOf('\n\n')) >= 0) {
        const parsed = parseBlock(buffer.slice(0, sep));
        buffer = buffer.slice(sep + 2);
        if (parsed.frame) result.frames.push(parsed.frame);
        result.comments.push(...parsed.comments);
      }
      if (opts.until?.(result)) {
        controller.abort();
        break;
      }
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}
