import { getSnapshot } from '../../control-plane/control-registry/index.js';
import { getRun } from '../../control-plane/runs.js';
import type { Database } from '../../db/database.js';
import type { Diagnosis } from '../../domain/diagnosis.js';
import { SyntraError } from '../../domain/errors.js';
import type { HandlerResult, TaskContext, TaskHandler } from '../../worker/registry.js';
import { postJson } from './deliver.js';
import { CHANNEL_KINDS } from './kinds.js';
import { summarize } from './message.js';
import { signatureHeaders } from './signature.js';

/**
 * `notify` — posts a finished alert run's diagnosis to one channel. A task on the control plane
 * like any other, in its own run: retried with backoff, dead-lettered with the reason, visible
 * in that run's ledger — and never able to fail or hold up the investigation it reports on.
 */
export const NOTIFY_TASK = 'notify';

export interface NotifyDeps {
  db: Database;
  /** Where the webhook URLs are read (by the variable name the channel names). */
  env: Record<string, string | undefined>;
  /** The API's public address, for the link to the run (SYNTRA_PUBLIC_URL). */
  publicUrl: string | null;
}

export function readNotifyInput(input: unknown): { runId: string; channel: string } {
  const i = (input ?? {}) as Record<string, unknown>;
  if (typeof i.runId !== 'string' || typeof i.channel !== 'string') {
    throw new SyntraError('validation_failed', 'notify input needs runId and channel', { retryable: false });
  }
  return { runId: i.runId, channel: i.channel };
}

export function notifyHandler(deps: NotifyDeps): TaskHandler {
  return async (ctx: TaskContext): Promise<HandlerResult> => {
    const { runId, channel: name } = readNotifyInput(ctx.input);
    const channel = (await getSnapshot(deps.db)).notificationChannels[name];
    if (!channel || channel.enabled === false) {
      return { output: { skipped: `channel ${name} is no longer registered or is disabled` }, events: [{ type: 'notification.skipped', data: { channel: name } }] };
    }
    const url = deps.env[channel.urlEnv]?.trim();
    if (!url || !/^https?:\/\//.test(url)) {
      throw new SyntraError('config_invalid', `channel ${name}: set ${channel.urlEnv} to the ${channel.type} webhook URL in the worker's environment`, { retryable: false });
    }
    const kind = CHANNEL_KINDS[channel.type];
    const secret = kind.signed ? (channel.secretEnv ? deps.env[channel.secretEnv] : undefined) : undefined;
    if (kind.signed && !secret) {
      throw new SyntraError('config_invalid', `channel ${name}: set ${channel.secretEnv ?? 'its secretEnv'} to the signing secret in the worker's environment`, { retryable: false });
    }
    const source = await getRun(deps.db, runId);
    if (!source) throw new SyntraError('not_found', `run ${runId} does not exist`, { retryable: false });
    const alerts = await deps.db.query<{ alertname: string; target_kind: string | null; target_name: string | null }>(
      `SELECT DISTINCT alertname, target_kind, target_name FROM alerts WHERE run_id = $1 ORDER BY alertname LIMIT 10`,
      [runId],
    );
    const first = alerts.rows[0];
    const summary = summarize({
      runId,
      runStatus: source.run.status,
      namespace: source.run.namespace,
      cluster: source.run.cluster,
      alertnames: [...new Set(alerts.rows.map((a) => a.alertname))],
      target: first?.target_name ? `${first.target_kind}/${first.target_name}` : null,
      output: source.run.output as { answer?: string; diagnosis?: Diagnosis | null } | null,
      error: source.run.error as { message?: string } | null,
      publicUrl: deps.publicUrl,
    });
    // The notify run's id names the delivery: the same on every retry, so receivers can deduplicate.
    const delivery = { deliveryId: ctx.item.runId, sentAt: new Date() };
    const body = JSON.stringify(kind.format(summary, delivery));
    const headers = secret ? signatureHeaders(secret, body, delivery.deliveryId, delivery.sentAt) : {};
    const delivered = await postJson(name, url, body, ctx.signal, headers);
    const data = { channel: name, type: channel.type, sourceRunId: runId, status: delivered.status, attempt: ctx.item.attempt };
    return { output: data, events: [{ type: 'notification.delivered', data }] };
  };
}
