import { SyntraError } from '../../domain/errors.js';

/**
 * One HTTP delivery to a channel's webhook. Retryable: network errors, timeouts, 429 and 5xx
 * (the task is retried with backoff, then dead-lettered with the reason). Not retryable: other
 * 4xx (a revoked webhook, a malformed message). The URL carries the channel's secret token, so
 * no error message, log line or ledger event ever contains it — only the channel's name.
 */
export interface Delivery {
  status: number;
}

/** `body` is the serialized JSON (a signature covers exactly these bytes); `headers` are added to the request. */
export async function postJson(channel: string, url: string, body: string, signal: AbortSignal, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Delivery> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'syntra-notify', ...headers },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      redirect: 'error',
    });
  } catch (e) {
    const why = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the connection failed';
    throw new SyntraError('unavailable', `channel ${channel}: ${why}`, { retryable: true });
  }
  // Drain the body: Slack answers "ok", Discord 204 or its message, errors a short JSON or text.
  const text = (await res.text().catch(() => '')).slice(0, 200).replace(/https?:\/\/\S+/g, '[url]');
  if (res.ok) return { status: res.status };
  const retryable = res.status === 429 || res.status >= 500;
  throw new SyntraError(retryable ? 'unavailable' : 'bad_request', `channel ${channel}: the webhook answered ${res.status}${text ? ` (${text})` : ''}`, { retryable });
}
