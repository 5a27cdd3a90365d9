import { createHmac } from 'node:crypto';

/**
 * The generic webhook's signature: HMAC-SHA256 with the channel's secret over
 * `<timestamp>.<raw body>`, hex, sent as `X-Syntra-Signature: sha256=<hex>` beside
 * `X-Syntra-Timestamp: <unix seconds>`. The timestamp is inside the signed text, so a receiver
 * that refuses old timestamps (5 minutes is the usual tolerance) refuses replays of a captured
 * message; each retry is signed afresh. How to verify: docs/integrations.md.
 */
export const SIGNATURE_HEADER = 'x-syntra-signature';
export const TIMESTAMP_HEADER = 'x-syntra-timestamp';
export const DELIVERY_HEADER = 'x-syntra-delivery';

export function signatureHeaders(secret: string, body: string, deliveryId: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const hex = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${hex}`, [DELIVERY_HEADER]: deliveryId };
}
