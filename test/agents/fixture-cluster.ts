import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A small `kubectl cluster-info dump` folder for the model path: namespace `shop` where
 * deployment `billing` crash-loops with an exit code and log lines no rule recognizes (so the
 * rules are unsure), and whose pod spec and logs carry secret values that must never reach a model.
 */
export const SECRETS = {
  envPassword: 'Xq7-hunter2-env-PASSWORD-9f1',
  urlPassword: 'Zk4pUrlS3cretPw',
  apiToken: 'tok_live_8c1f0a9d2e7b4c6aa1',
} as const;
export const BILLING_POD = 'billing-5f7d8c9b6d-k2x9q';

const ts = '2025-03-14T10:40:00Z';
const list = (kind: string, apiVersion: string, items: unknown[]) => JSON.stringify({ kind: `${kind}List`, apiVersion, metadata: { resourceVersion: '1' }, items }, null, 4);

export function writeFixtureCluster(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'syntra-fixture-'));
  const ns = path.join(dir, 'shop');
  mkdirSync(path.join(ns, BILLING_POD), { recursive: true });
  const labels = { app: 'billing', 'pod-template-hash': '5f7d8c9b6d' };
  writeFileSync(path.join(ns, 'deployments.json'), list('Deployment', 'apps/v1', [{
    metadata: { name: 'billing', namespace: 'shop', uid: 'd-1', generation: 2, creationTimestamp: ts, labels: { app: 'billing' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'billing' } }, template: { metadata: { labels: { app: 'billing' } }, spec: { containers: [{ name: 'billing', image: 'registry.example.com/billing:1.4.2' }] } } },
    status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }] },
  }]));
  writeFileSync(path.join(ns, 'replicasets.json'), list('ReplicaSet', 'apps/v1', [{
    metadata: { name: 'billing-5f7d8c9b6d', namespace: 'shop', uid: 'rs-1', creationTimestamp: ts, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'billing', uid: 'd-1', controller: true }] },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'billing', image: 'registry.example.com/billing:1.4.2' }] } } },
    status: { replicas: 1, readyReplicas: 0 },
  }]));
  writeFileSync(path.join(ns, 'pods.json'), list('Pod', 'v1', [{
    metadata: { name: BILLING_POD, namespace: 'shop', uid: 'p-1', creationTimestamp: ts, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'billing-5f7d8c9b6d', uid: 'rs-1', controller: true }] },
    spec: {
      nodeName: 'node-1',
      restartPolicy: 'Always',
      containers: [{
        name: 'billing',
        image: 'registry.example.com/billing:1.4.2',
        env: [
          { name: 'DB_PASSWORD', value: SECRETS.envPassword },
          { name: 'LEDGER_URL', value: `postgres://billing:${SECRETS.urlPassword}@ledger-db:5432/ledger` },
          { name: 'LOG_LEVEL', value: 'info' },
        ],
      }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{
        name: 'billing', ready: false, restartCount: 7, image: 'registry.example.com/billing:1.4.2', imageID: '',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=billing' } },
        lastState: { terminated: { exitCode: 3, reason: 'Error', startedAt: ts, finishedAt: ts } },
      }],
    },
  }]));
  writeFileSync(path.join(ns, 'events.json'), list('Event', 'v1', [{
    metadata: { name: `${BILLING_POD}.1`, namespace: 'shop', creationTimestamp: ts },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: BILLING_POD, fieldPath: 'spec.containers{billing}' },
    reason: 'BackOff', message: 'Back-off restarting failed container billing in pod ' + BILLING_POD, type: 'Warning', count: 31, firstTimestamp: ts, lastTimestamp: ts,
  }]));
  const lines = [
    `${ts} billing starting, version 1.4.2`,
    `${ts} loaded settings api_token=${SECRETS.apiToken} region=eu-west-1`,
    `${ts} reconciling invoices batch 8812`,
    `${ts} invoice 8812-17 totals disagree with ledger snapshot; refusing to continue`,
  ];
  const marker = (edge: string) => `==== ${edge} logs for container billing of pod shop/${BILLING_POD} ====`;
  const file = [marker('START'), ...lines, marker('END')].join('\n') + '\n';
  writeFileSync(path.join(ns, BILLING_POD, 'logs.txt'), file);
  writeFileSync(path.join(ns, BILLING_POD, 'logs-previous.txt'), file);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
