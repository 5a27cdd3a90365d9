import { getSnapshot, type NotificationChannel } from '../../control-plane/control-registry/index.js';
import { submitCommand } from '../../control-plane/commands.js';
import type { Database, Queryable } from '../../db/database.js';
import type { FinishedRunListener } from '../alerts/index.js';
import { NOTIFY_TASK } from './handler.js';
import { perMinuteOf } from './kinds.js';

/**
 * When an alert's investigation finishes: one `notify` run per matching channel. Idempotent per
 * (run, channel), so the follow-up may hand the same run over again after a failure. Each new
 * notify run takes the channel's next slot (its rate limit): it waits in the queue, not in a worker.
 */
interface RouteFacts {
  namespace: string | null;
  /** null: the default cluster. */
  cluster: string | null;
  severities: readonly string[];
  rootCause: string | null;
}

export function routes(channel: NotificationChannel, f: RouteFacts): boolean {
  if (channel.enabled === false) return false;
  const m = channel.match;
  if (m?.namespace && (f.namespace === null || !m.namespace.includes(f.namespace))) return false;
  if (m?.severity && !f.severities.some((s) => m.severity!.includes(s))) return false;
  if (m?.rootCause && (f.rootCause === null || !m.rootCause.includes(f.rootCause))) return false;
  if (m?.cluster && !m.cluster.includes(f.cluster)) return false;
  return true;
}

/** Takes the channel's next slot (now, or later when it is busy) and moves it on by one message. */
async function takeSlot(tx: Queryable, channel: NotificationChannel): Promise<Date> {
  const spacingMs = Math.ceil(60_000 / perMinuteOf(channel));
  const res = await tx.query<{ slot: Date }>(
    `INSERT INTO notification_pace AS p (channel, next_at) VALUES ($1, now() + make_interval(secs => $2::float8 / 1000))
     ON CONFLICT (channel) DO UPDATE SET next_at = greatest(p.next_at, now()) + make_interval(secs => $2::float8 / 1000)
     RETURNING next_at - make_interval(secs => $2::float8 / 1000) AS slot`,
    [channel.name, spacingMs],
  );
  return new Date(res.rows[0]!.slot);
}

export const notifyOnFinish: FinishedRunListener = async (db: Database, run) => {
  const channels = Object.values((await getSnapshot(db)).notificationChannels);
  if (channels.length === 0) return;
  const facts = await db.query<{ namespace: string | null; severity: string | null; cluster: string | null }>(`SELECT namespace, severity, cluster FROM alerts WHERE id = ANY($1::uuid[])`, [run.alertIds]);
  const cause = await db.query<{ root_cause: string | null }>(`SELECT output->'diagnosis'->'root_cause'->>'type' AS root_cause FROM runs WHERE id = $1`, [run.runId]);
  const namespace = facts.rows[0]?.namespace ?? null;
  const route: RouteFacts = {
    namespace,
    cluster: facts.rows[0]?.cluster ?? null,
    severities: facts.rows.map((r) => r.severity).filter((s): s is string => s !== null),
    rootCause: cause.rows[0]?.root_cause ?? null,
  };
  for (const channel of channels.filter((c) => routes(c, route))) {
    await db.transaction(async (tx) => {
      const submitted = await submitCommand(
        tx,
        { kind: NOTIFY_TASK, input: { runId: run.runId, channel: channel.name }, ...(namespace ? { namespace } : {}), maxAttempts: 8, timeoutSeconds: 60, metadata: { via: 'alerts/notify', sourceRunId: run.runId } },
        { idempotencyKey: `notify:${run.runId}:${channel.name}`, idempotencyScope: 'alerts', createdBy: 'system:alerts' },
      );
      if (!submitted.created) return;
      const slot = await takeSlot(tx, channel);
      await tx.query(`UPDATE queue_items SET available_at = greatest(available_at, $2) WHERE run_id = $1 AND state = 'available'`, [submitted.runId, slot]);
    });
  }
};
