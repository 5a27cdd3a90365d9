import { createApiKey } from '../../src/access/api-keys.js';
import { createUser } from '../../src/access/users.js';
import type { Database } from '../../src/db/database.js';

/**
 * A webhook credential as docs/alerts.md tells operators to create it: a live key holding only
 * alerts:write (optionally limited to namespaces), and Alertmanager-shaped alerts of the demo cluster.
 */
export async function createWebhookKey(db: Database, namespaces: string[] | null = null): Promise<{ apiKey: string; keyId: string }> {
  const user = await createUser(db, { email: `alerts-${Math.random().toString(36).slice(2)}@example.test`, password: 'test-password-not-secret', roles: ['admin'], namespaces: null });
  const { key, secret } = await createApiKey(db, { ownerId: user.id, name: 'alertmanager', type: 'live', permissions: ['alerts:write'], namespaces });
  return { apiKey: secret, keyId: key.id };
}

export const CRASHING_POD = 'auth-service-7d9f8b6c5d-x2k4p';

/** KubePodCrashLooping as kube-prometheus defines it (labels from kube-state-metrics). */
export function crashLoopLabels(pod = CRASHING_POD, namespace = 'production'): Record<string, string> {
  return { alertname: 'KubePodCrashLooping', severity: 'warning', namespace, pod, container: 'auth-service', job: 'kube-state-metrics', reason: 'CrashLoopBackOff' };
}

export function amAlert(labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing', fingerprint = fingerprintOf(labels)) {
  return {
    status,
    labels,
    annotations: { summary: `Pod ${labels.namespace}/${labels.pod} is crash looping.`, runbook_url: 'https://runbooks.example/KubePodCrashLooping' },
    startsAt: '2026-12-04T03:00:00.000Z',
    endsAt: status === 'resolved' ? '2026-12-04T03:30:00.000Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph',
    fingerprint,
  };
}

export function amPayload(alerts: Array<ReturnType<typeof amAlert>>, status: 'firing' | 'resolved' = 'firing') {
  return {
    receiver: 'syntra',
    status,
    alerts,
    groupLabels: { alertname: alerts[0]!.labels.alertname! },
    commonLabels: { alertname: alerts[0]!.labels.alertname! },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example',
    version: '4',
    groupKey: '{}:{alertname="KubePodCrashLooping"}',
    truncatedAlerts: 0,
  };
}

function fingerprintOf(labels: Record<string, string>): string {
  let h = 0;
  for (const ch of JSON.stringify(Object.entries(labels).sort())) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(16, '0');
}
