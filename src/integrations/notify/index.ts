/** Answers out: a finished alert run's diagnosis posted to Slack or Discord, as a retried `notify` task. */
export { NOTIFY_TASK, notifyHandler, type NotifyDeps } from './handler.js';
export { notifyOnFinish } from './dispatch.js';
export { summarize, type RunSummary } from './message.js';
export { slackMessage, discordMessage, messageFor } from './formats.js';
