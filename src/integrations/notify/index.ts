/** Answers out: a finished alert run's diagnosis posted to Slack, Discord or a signed webhook, as a retried `notify` task. */
export { NOTIFY_TASK, notifyHandler, type NotifyDeps } from './handler.js';
export { notifyOnFinish } from './dispatch.js';
export { summarize, type RunSummary } from './message.js';
export { slackMessage, discordMessage, webhookMessage } from './formats.js';
export { CHANNEL_KINDS, perMinuteOf, type ChannelKind } from './kinds.js';
export { signatureHeaders, SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER } from './signature.js';
