import { createHmac, timingSafeEqual } from 'node:crypto';
import { startScriptedApi, type FakeReply, type RecordedRequest, type ScriptedApi } from './loopback-http.js';

/**
 * Loopback servers that answer like Slack's incoming webhooks and Discord's webhooks: the real
 * paths, the real success answers (Slack: 200 "ok"; Discord: 204), and the real refusals of a
 * message they would not accept (Slack 400 invalid_payload / no_text, Discord 400 with code 50006,
 * 50035 for an embed over its limits). Scripted replies (an outage: 503s) come first.
 */
const text = (status: number, body: string): FakeReply => ({ status, raw: body, contentType: 'text/plain' });

function slackProblem(req: RecordedRequest): FakeReply | undefined {
  if (req.method !== 'POST' || !/^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/.test(req.path)) return text(404, 'no_service');
  const body = req.body as { text?: unknown; blocks?: unknown } | undefined;
  if (!body || typeof body !== 'object') return text(400, 'invalid_payload');
  if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return text(400, 'no_text');
  if (Array.isArray(body.blocks) && (body.blocks.length > 50 || body.blocks.some((b) => typeof (b as { type?: unknown }).type !== 'string'))) return text(400, 'invalid_blocks');
  return undefined;
}

function discordProblem(req: RecordedRequest): FakeReply | undefined {
  if (req.method !== 'POST' || !/^\/api\/webhooks\/\d+\/[A-Za-z0-9_-]+$/.test(req.path)) return { status: 404, json: { message: 'Unknown Webhook', code: 10015 } };
  const body = req.body as { content?: unknown; embeds?: Array<Record<string, unknown>> } | undefined;
  if (!body || (!body.content && !body.embeds?.length)) return { status: 400, json: { message: 'Cannot send an empty message', code: 50006 } };
  for (const e of body.embeds ?? []) {
    const fields = (e.fields ?? []) as Array<{ name: string; value: string }>;
    if (String(e.title ?? '').length > 256 || String(e.description ?? '').length > 4096 || fields.some((f) => !f.name || !f.value || f.value.length > 1024)) {
      return { status: 400, json: { message: 'Invalid Form Body', code: 50035 } };
    }
  }
  return undefined;
}

export function startFakeSlack(): Promise<ScriptedApi> {
  return startScriptedApi({ refuse: slackProblem, exhausted: () => text(200, 'ok'), requestHeaders: () => ({}) });
}

export function startFakeDiscord(): Promise<ScriptedApi> {
  return startScriptedApi({ refuse: discordProblem, exhausted: () => ({ status: 204, raw: '' }), requestHeaders: () => ({}) });
}

/**
 * A receiver of Syntra's generic webhook that verifies as docs/integrations.md tells receivers
 * to: HMAC-SHA256 over `<X-Syntra-Timestamp>.<raw body>` with the shared secret, compared in
 * constant time, and a timestamp within five minutes (a replayed old message is refused).
 */
export function verifySyntraSignature(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string, nowSeconds: number): string | undefined {
  const timestamp = headers['x-syntra-timestamp'];
  const signature = headers['x-syntra-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d+$/.test(timestamp)) return 'missing signature headers';
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return 'timestamp outside the tolerance';
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'signature mismatch';
}

export function startSignedWebhookReceiver(secret: string, path = '/hooks/syntra'): Promise<ScriptedApi> {
  return startScriptedApi({
    refuse: (req) => {
      if (req.method !== 'POST' || req.path !== path) return { status: 404, json: { error: 'not found' } };
      const problem = verifySyntraSignature(secret, req.headers, req.rawBody, Math.floor(Date.now() / 1000));
      return problem ? { status: 401, json: { error: problem } } : undefined;
    },
    exhausted: () => ({ status: 202, json: { accepted: true } }),
    requestHeaders: () => ({}),
  });
}
