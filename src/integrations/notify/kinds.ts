import type { ChannelType, NotificationChannel } from '../../control-plane/control-registry/index.js';
import { discordMessage, slackMessage, webhookMessage } from './formats.js';
import type { RunSummary } from './message.js';

/**
 * The channel kinds, ONE table: how each formats a run summary, whether its messages are signed,
 * and its default pace. A new kind is a row here (and its name in CHANNEL_TYPES); the handler,
 * the dispatcher and the registry read everything else from this table.
 */
export interface ChannelKind {
  /** The message body as the receiving API expects it; `deliveryId` is stable across retries. */
  format(s: RunSummary, delivery: { deliveryId: string; sentAt: Date }): Record<string, unknown>;
  /** Signed with the channel's secret (X-Syntra-Signature); the secret's variable is `secretEnv`. */
  signed: boolean;
  /** Messages per minute when the channel sets no `ratePerMinute`: the receiving API's own limit. */
  defaultPerMinute: number;
}

export const CHANNEL_KINDS: Readonly<Record<ChannelType, ChannelKind>> = {
  // Slack: about one message per second per incoming webhook, short bursts tolerated.
  slack: { format: (s) => slackMessage(s), signed: false, defaultPerMinute: 60 },
  // Discord: 30 messages per minute per channel's webhooks.
  discord: { format: (s) => discordMessage(s), signed: false, defaultPerMinute: 30 },
  webhook: { format: webhookMessage, signed: true, defaultPerMinute: 60 },
};

export const perMinuteOf = (c: Pick<NotificationChannel, 'type' | 'ratePerMinute'>): number => c.ratePerMinute ?? CHANNEL_KINDS[c.type].defaultPerMinute;
