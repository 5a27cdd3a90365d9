import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import { routes } from '../../src/integrations/notify/dispatch.js';
import { discordMessage, slackMessage, summarize, webhookMessage } from '../../src/integrations/notify/index.js';

/** The channel messages: secrets masked, within each API's limits, a readable fallback without a diagnosis. */
const diagnosis = (value: string, summary = 'auth-service cannot reach postgres'): Diagnosis => ({
  target: { kind: 'Pod', name: 'auth-service-7d9f8b6c5d-x2k4p', namespace: 'production' },
  root_cause: { type: 'service_no_endpoints', summary, confidence: 0.92, detection_method: 'rule_based', evidence: [{ kind: 'log', value }] },
  findings: [],
  remediation: { immediate: ['kubectl -n production scale deploy/postgres --replicas=1'], verification: ['kubectl -n production get endpoints postgres'], prevention: [] },
  affected_resources: [],
});
const base = { runId: '01900000-0000-7000-8000-000000000000', runStatus: 'succeeded', namespace: 'production', cluster: null, alertnames: ['KubePodCrashLooping'], target: 'Pod/auth-service', error: null, publicUrl: null };

describe('notification messages', () => {
  it('masks secrets quoted in evidence and summaries', () => {
    const s = summarize({ ...base, output: { answer: 'x', diagnosis: diagnosis('connecting with DATABASE_PASSWORD=hunter2-very-secret', 'token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB leaked') } });
    const text = JSON.stringify([slackMessage(s), discordMessage(s)]);
    expect(text).not.toContain('hunter2-very-secret');
    expect(text).not.toContain('ghp_0123456789abcdefghijklmnopqrstuvwxyzAB');
    expect(text).toContain('[REDACTED');
  });

  it('keeps within Slack and Discord limits however long the diagnosis is', () => {
    const s = summarize({ ...base, output: { answer: 'x', diagnosis: diagnosis('y'.repeat(10_000), 'z'.repeat(10_000)) } });
    const slack = slackMessage(s) as { blocks: Array<{ text?: { text: string } }> };
    for (const b of slack.blocks) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
    const embed = (discordMessage(s) as { embeds: Array<{ description: string; fields: Array<{ value: string }> }> }).embeds[0]!;
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    for (const f of embed.fields) expect(f.value.length).toBeLessThanOrEqual(1024);
  });

  it('says what happened when there is no diagnosis', () => {
    const s = summarize({ ...base, runStatus: 'failed', output: null, error: { message: 'the cluster is unreachable' } });
    expect((slackMessage(s) as { text: string }).text).toBe('KubePodCrashLooping: production/Pod/auth-service: The investigation failed: the cluster is unreachable');
  });

  it('names the cluster when it is not the default one, in every format', () => {
    const output = { answer: 'x', diagnosis: diagnosis('connection refused') };
    const eu = summarize({ ...base, cluster: 'prod-eu', output });
    const slack = slackMessage(eu) as { text: string; blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }> };
    expect(slack.blocks[0]!.text!.text).toBe('KubePodCrashLooping: production/Pod/auth-service in cluster prod-eu');
    expect(slack.blocks.at(-1)!.elements![0]!.text).toContain('· cluster prod-eu');
    const embed = (discordMessage(eu) as { embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }> }).embeds[0]!;
    expect(embed.title).toContain('in cluster prod-eu');
    expect(embed.fields[0]).toMatchObject({ name: 'Cluster', value: 'prod-eu' });
    expect(webhookMessage(eu, { deliveryId: 'd', sentAt: new Date(0) })).toMatchObject({ cluster: 'prod-eu', namespace: 'production' });

    const plain = summarize({ ...base, output });
    expect(JSON.stringify([slackMessage(plain), discordMessage(plain)])).not.toContain('cluster');
    expect(webhookMessage(plain, { deliveryId: 'd', sentAt: new Date(0) })).toMatchObject({ cluster: null });
  });

  it('routes by cluster: a registered name, or null for the default cluster', () => {
    const facts = { namespace: 'production', severities: ['critical'], rootCause: 'service_no_endpoints' };
    const eu = { name: 'eu', type: 'slack' as const, urlEnv: 'EU_URL', match: { cluster: ['prod-eu'] } };
    const home = { name: 'home', type: 'slack' as const, urlEnv: 'HOME_URL', match: { cluster: [null], namespace: ['production'] } };
    expect(routes(eu, { ...facts, cluster: 'prod-eu' })).toBe(true);
    expect(routes(eu, { ...facts, cluster: 'staging-us' })).toBe(false);
    expect(routes(eu, { ...facts, cluster: null })).toBe(false);
    expect(routes(home, { ...facts, cluster: null })).toBe(true);
    expect(routes(home, { ...facts, cluster: 'prod-eu' })).toBe(false);
  });
});
