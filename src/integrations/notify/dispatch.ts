import { getSnapshot, type NotificationChannel } from '../../control-plane/control-registry/index.js';
import { submitCommand } from '../../control-plane/commands.js';
import type { Database } from '../../db/database.js';
import type { FinishedRunListener } from '../alerts/index.js';
import { NOTIFY_TASK } from './handler.js';

/**
 * When an alert's investigation finishes: one `notify` run per matching channel. Idempotent per
 * (run, channel), so the follow-up may hand the same run over again after a failure.
 */
function routes(channel: NotificationChannel, namespace: string | null, severities: readonly string[]): boolean {
  if (channel.enabled === false) return false;
  const m = channel.match;
  if (m?.namespace && (namespace === null || !m.namespace.includes(namespace))) return false;
  if (m?.severity && !severities.some((s) => m.severity!.includes(s))) return false;
  return true;
}

export const notifyOnFinish: FinishedRunListener = async (db: Database, run) => {
  const channels = Object.values((await getSnapshot(db)).notificationChannels);
  if (channels.length === 0) return;
  const facts = await db.query<{ namespace: string | null; severity: string | null }>(`SELECT namespace, severity FROM alerts WHERE id = ANY($1::uuid[])`, [run.alertIds]);
  const namespace = facts.rows[0]?.namespace ?? null;
  const severities = facts.rows.map((r) => r.severity).filter((s): s is string => s !== null);
  for (const channel of channels.filter((c) => routes(c, namespace, severities))) {
    await submitCommand(
      db,
      { kind: NOTIFY_TASK, input: { runId: run.runId, channel: channel.name }, ...(namespace ? { namespace } : {}), maxAttempts: 8, timeoutSeconds: 60, metadata: { via: 'alerts/notify', sourceRunId: run.runId } },
      { idempotencyKey: `notify:${run.runId}:${channel.name}`, idempotencyScope: 'alerts', createdBy: 'system:alerts' },
    );
  }
};
