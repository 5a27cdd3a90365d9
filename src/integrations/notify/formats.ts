import type { RunSummary } from './message.js';

/**
 * The run summary as each channel's API expects it: a Slack incoming-webhook message with Block
 * Kit blocks (and `text` as the notification fallback), a Discord webhook message with one embed.
 * Lengths stay inside each API's limits (Slack section text 3000, Discord embed description 4096,
 * field value 1024).
 */
const bullets = (lines: string[], max: number) => lines.map((l) => `• ${l}`).join('\n').slice(0, max);
const percent = (c: number) => `${Math.round(c * 100)}%`;

export function slackMessage(s: RunSummary): Record<string, unknown> {
  const runRef = s.runUrl ? `<${s.runUrl}|${s.runId}>` : `\`${s.runId}\``;
  const cause = s.rootCause ? `*Root cause:* ${s.rootCause.type.replace(/_/g, ' ')} (confidence ${percent(s.rootCause.confidence)})\n${s.rootCause.summary}` : s.answer;
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: s.title.slice(0, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: cause.slice(0, 3000) } },
  ];
  if (s.evidence.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Evidence*\n${bullets(s.evidence, 2900)}` } });
  if (s.remediation.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Remediation*\n${bullets(s.remediation, 2900)}` } });
  if (s.verification.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Verify*\n${bullets(s.verification, 2900)}` } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Syntra run ${runRef} · ${s.runStatus}${s.cluster ? ` · cluster ${s.cluster}` : ''}` }] });
  return { text: `${s.title}: ${s.rootCause ? s.rootCause.summary : s.answer}`.slice(0, 3000), blocks };
}

export function discordMessage(s: RunSummary): Record<string, unknown> {
  const fields: Array<{ name: string; value: string; inline?: boolean }> = s.cluster ? [{ name: 'Cluster', value: s.cluster, inline: true }] : [];
  if (s.rootCause) fields.push({ name: 'Root cause', value: s.rootCause.type.replace(/_/g, ' '), inline: true }, { name: 'Confidence', value: percent(s.rootCause.confidence), inline: true });
  if (s.evidence.length) fields.push({ name: 'Evidence', value: bullets(s.evidence, 1024) });
  if (s.remediation.length) fields.push({ name: 'Remediation', value: bullets(s.remediation, 1024) });
  const embed: Record<string, unknown> = {
    title: s.title.slice(0, 256),
    description: (s.rootCause ? s.rootCause.summary : s.answer).slice(0, 4096),
    // Red for a diagnosed problem, grey otherwise.
    color: s.rootCause ? 0xd93f0b : 0x8b949e,
    fields,
    footer: { text: `Syntra run ${s.runId} · ${s.runStatus}` },
  };
  if (s.runUrl) embed.url = s.runUrl;
  // No mentions from content Syntra did not write (an alert annotation with @everyone).
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}

/**
 * The generic webhook's body: the summary as plain JSON, versioned, with a delivery id that stays
 * the same across retries (receivers deduplicate on it). Documented in docs/integrations.md.
 */
export function webhookMessage(s: RunSummary, delivery: { deliveryId: string; sentAt: Date }): Record<string, unknown> {
  return {
    type: 'syntra.diagnosis',
    version: 1,
    deliveryId: delivery.deliveryId,
    sentAt: delivery.sentAt.toISOString(),
    title: s.title,
    namespace: s.namespace,
    cluster: s.cluster,
    run: { id: s.runId, status: s.runStatus, url: s.runUrl },
    rootCause: s.rootCause,
    answer: s.answer,
    evidence: s.evidence,
    remediation: s.remediation,
    verification: s.verification,
  };
}
