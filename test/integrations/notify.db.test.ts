import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { getRun } from '../../src/control-plane/runs.js';
import { TERMINAL_RUN_STATUSES, type RunDetail } from '../../src/control-plane/types.js';
import { startAlertFollowUp, type FollowUpLoop } from '../../src/integrations/alerts/index.js';
import { NOTIFY_TASK, notifyHandler, notifyOnFinish } from '../../src/integrations/notify/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { startAgentWorker, type AgentWorker } from '../agents/harness.js';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness.js';
import { startFakeDiscord, startFakeSlack } from '../helpers/fake-chat-webhooks.js';
import type { ScriptedApi } from '../helpers/loopback-http.js';
import { amAlert, amPayload, crashLoopLabels, createWebhookKey } from './alert-fixtures.js';

/**
 * Answers out: when an alert's investigation finishes, its diagnosis goes to the registered
 * Slack and Discord channels that route it — as `notify` runs retried through a Slack outage,
 * dead-lettered with the reason when a channel is misconfigured, never touching the investigation.
 */
const SLACK_PATH = '/services/T0001/B0001/XXXXsecretTOKEN';
const DISCORD_PATH = '/api/webhooks/1234567890/secret-token_ABC';

describe('notifications of alert runs', () => {
  let api: ApiHarness;
  let agents: AgentWorker;
  let notifier: RunningWorker;
  let followUp: FollowUpLoop;
  let slack: ScriptedApi;
  let discord: ScriptedApi;
  let dir: string;
  beforeAll(async () => {
    api = await startApiHarness({ relay: true, kinds: ['ask', NOTIFY_TASK] });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-notify-'));
    agents = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
    [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord()]);
    const env = { OPS_SLACK_URL: `${slack.url}${SLACK_PATH}`, OPS_DISCORD_URL: `${discord.url}${DISCORD_PATH}` };
    const registry = createRegistry().register(NOTIFY_TASK, notifyHandler({ db: api.db, env, publicUrl: 'https://syntra.example' }));
    notifier = startWorker({ db: api.db, bus: api.bus, registry, concurrency: 2, pollIntervalMs: 50, leaseSeconds: 30, shutdownGraceMs: 1000, backoff: { baseMs: 50, capMs: 200 } });
    await notifier.registered;
    followUp = startAlertFollowUp({ db: api.db, intervalMs: 100, listeners: [notifyOnFinish] });
  });
  afterAll(async () => {
    await followUp?.stop();
    await notifier?.stop();
    await agents?.stop();
    await Promise.all([slack?.close(), discord?.close()]);
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const register = async (channel: Record<string, unknown>) => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/control/notification-channels/register', payload: { ...channel, reason: 'on-call channel' } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const finished = (runId: string) =>
    eventually(async () => {
      const run = await getRun(api.db, runId);
      return run && TERMINAL_RUN_STATUSES.has(run.run.status) ? run : undefined;
    }, `run ${runId}`, 400);
  const notifyRuns = async (sourceRunId: string) =>
    (await api.db.query<{ id: string; channel: string }>(`SELECT id::text AS id, input->>'channel' AS channel FROM runs WHERE kind = 'notify' AND input->>'runId' = $1 ORDER BY input->>'channel'`, [sourceRunId])).rows;

  it('posts the diagnosis to Slack through an outage and to Discord, routed by namespace', async () => {
    await register({ name: 'ops-slack', type: 'slack', urlEnv: 'OPS_SLACK_URL' });
    await register({ name: 'ops-discord', type: 'discord', urlEnv: 'OPS_DISCORD_URL', match: { namespace: ['production'], severity: ['warning', 'critical'] } });
    await register({ name: 'staging-discord', type: 'discord', urlEnv: 'OPS_DISCORD_URL', match: { namespace: ['staging'] } });
    // The secret URL is not in the registry, only the variable's name.
    const snapshot = await api.app.inject({ method: 'GET', url: '/v1/control/snapshot' });
    expect(snapshot.body).toContain('OPS_SLACK_URL');
    expect(snapshot.body).not.toContain('XXXXsecretTOKEN');

    // Slack is down for the first two attempts.
    slack.reply({ status: 503, raw: 'service unavailable', contentType: 'text/plain' }, { status: 503, raw: 'service unavailable', contentType: 'text/plain' });
    const { apiKey } = await createWebhookKey(api.db);
    const res = await api.app.inject({ method: 'POST', url: '/v1/alerts/alertmanager', headers: { authorization: `Bearer ${apiKey}` }, payload: amPayload([amAlert(crashLoopLabels())]) });
    const runId = (res.json() as { results: Array<{ runId: string }> }).results[0]!.runId;
    const source = await finished(runId);
    expect(source.run.status).toBe('succeeded');

    const runs = await eventually(async () => {
      const r = await notifyRuns(runId);
      return r.length === 2 ? r : undefined;
    }, 'two notify runs (the staging channel does not route production)', 400);
    expect(runs.map((r) => r.channel)).toEqual(['ops-discord', 'ops-slack']);
    const [discordRun, slackRun] = await Promise.all(runs.map((r) => finished(r.id)));
    expect(slackRun!.run.status).toBe('succeeded');
    expect(discordRun!.run.status).toBe('succeeded');

    // Slack: two 503s retried, then delivered; the ledger shows the failed attempts and the delivery.
    expect(slack.requests.map((r) => r.path)).toEqual([SLACK_PATH, SLACK_PATH, SLACK_PATH]);
    expect(ledger(slackRun!).filter((t) => t === 'task.retry_scheduled' || t === 'task.failed' || t === 'notification.delivered').at(-1)).toBe('notification.delivered');
    expect(slackRun!.events.find((e) => e.type === 'notification.delivered')!.data).toMatchObject({ channel: 'ops-slack', status: 200, attempt: 3 });
    // The failed attempts say why, by channel name; the webhook URL (its token) is nowhere in the ledger.
    expect(JSON.stringify(slackRun!.events)).toContain('channel ops-slack: the webhook answered 503');
    expect(JSON.stringify([slackRun, discordRun])).not.toMatch(/XXXXsecretTOKEN|secret-token_ABC/);
    const message = slack.requests[2]!.body as { text: string; blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }> };
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'KubePodCrashLooping: production/Pod/auth-service-7d9f8b6c5d-x2k4p' } });
    expect(message.blocks[1]!.text!.text).toMatch(/^\*Root cause:\* service no endpoints \(confidence \d+%\)\n.*postgres/);
    expect(message.blocks.map((b) => b.type)).toContain('context');
    expect(JSON.stringify(message)).toContain(`https://syntra.example/v1/runs/${runId}`);
    expect(message.text).toMatch(/postgres/);

    // Discord: one embed with the root cause and remediation, no mentions.
    expect(discord.requests.map((r) => r.path)).toEqual([DISCORD_PATH]);
    const embed = (discord.requests[0]!.body as { embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }>; allowed_mentions: unknown }).embeds[0]!;
    expect(embed.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['Root cause', 'Confidence', 'Remediation']));
    expect((discord.requests[0]!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });

    // Nothing notify did changed the investigation.
    expect((await getRun(api.db, runId))!.run.status).toBe('succeeded');
  });

  it('dead-letters a misconfigured channel with the reason, without its URL and without touching the run', async () => {
    await api.db.query(`DELETE FROM alerts`);
    await register({ name: 'ops-slack', type: 'slack', urlEnv: 'NOT_SET_ANYWHERE' });
    await register({ name: 'ops-discord', type: 'discord', urlEnv: 'OPS_DISCORD_URL', enabled: false });
    const { apiKey } = await createWebhookKey(api.db);
    const res = await api.app.inject({ method: 'POST', url: '/v1/alerts/generic', headers: { authorization: `Bearer ${apiKey}` }, payload: { alerts: [{ title: 'auth-service down', namespace: 'production', resource: { kind: 'Deployment', name: 'auth-service' } }] } });
    const runId = (res.json() as { results: Array<{ runId: string }> }).results[0]!.runId;
    await finished(runId);
    const [slackNotify] = await eventually(async () => {
      const r = await notifyRuns(runId);
      return r.length === 1 ? r : undefined;
    }, 'one notify run (the disabled channel routes nothing)', 400);
    const failed = await finished(slackNotify!.id);
    expect(failed.run.status).toBe('failed');
    expect(failed.run.error).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('set NOT_SET_ANYWHERE') });
    expect((await getRun(api.db, runId))!.run.status).toBe('succeeded');
  });
});

const ledger = (run: RunDetail) => run.events.map((e) => e.type);
