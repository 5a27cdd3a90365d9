import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json } from './k8s-builders.js';
import { list } from './k8s-builders.js';
import { nodes, persistentVolumes, storageClasses } from './cluster.js';
import { apiGatewayLogs, authServiceStart, paymentWorkerRun, redisLogs, stagingAuthLogs } from './demo-logs.js';
import { productionEvents } from './production-events.js';
import { productionConfig, productionNetwork } from './production-network.js';
import {
  ANALYTICS_POD, AUTH_PODS, FRONTEND_NEW_POD, GATEWAY_PODS, LOG_SHIPPER_PODS, NOTIFICATION_POD, PAYMENT_PODS,
  productionControllers, productionDeployments,
} from './production-workloads.js';
import { STAGING_PODS, staging } from './staging.js';

/**
 * Writes the bundled demo cluster (../data) in `kubectl cluster-info dump --output-directory`
 * layout, plus the extra kinds the dump source accepts. Run after changing the generator:
 *   npx tsx scripts/demo-cluster/write-demo.ts
 */
const OUT = fileURLToPath(new URL('../../src/investigator/sources/demo-cluster/data/', import.meta.url));

// kubectl prints JSON with four-space indentation.
const json = (doc: Json) => `${JSON.stringify(doc, null, 4)}\n`;

/** File name → [List kind, apiVersion, collection]. The first seven are what cluster-info dump writes. */
const FILES: [string, string, string, string][] = [
  ['pods.json', 'Pod', 'v1', 'pods'],
  ['services.json', 'Service', 'v1', 'services'],
  ['deployments.json', 'Deployment', 'apps/v1', 'deployments'],
  ['replicasets.json', 'ReplicaSet', 'apps/v1', 'replicaSets'],
  ['daemonsets.json', 'DaemonSet', 'apps/v1', 'daemonSets'],
  ['replication-controllers.json', 'ReplicationController', 'v1', 'replicationControllers'],
  ['events.json', 'Event', 'v1', 'events'],
  ['endpoints.json', 'Endpoints', 'v1', 'endpoints'],
  ['statefulsets.json', 'StatefulSet', 'apps/v1', 'statefulSets'],
  ['jobs.json', 'Job', 'batch/v1', 'jobs'],
  ['cronjobs.json', 'CronJob', 'batch/v1', 'cronJobs'],
  ['ingresses.json', 'Ingress', 'networking.k8s.io/v1', 'ingresses'],
  ['persistentvolumeclaims.json', 'PersistentVolumeClaim', 'v1', 'persistentVolumeClaims'],
  ['horizontalpodautoscalers.json', 'HorizontalPodAutoscaler', 'autoscaling/v2', 'horizontalPodAutoscalers'],
  ['configmaps.json', 'ConfigMap', 'v1', 'configMaps'],
  ['secrets.json', 'Secret', 'v1', 'secrets'],
  ['resourcequotas.json', 'ResourceQuota', 'v1', 'resourceQuotas'],
  ['limitranges.json', 'LimitRange', 'v1', 'limitRanges'],
];

const marker = (edge: 'START' | 'END', ns: string, pod: string, c: string) => `==== ${edge} logs for container ${c} of pod ${ns}/${pod} ====`;
const logFile = (ns: string, pod: string, c: string, lines: string[]) => [marker('START', ns, pod, c), ...lines, marker('END', ns, pod, c)].join('\n') + '\n';
// What cluster-info dump writes when the log request fails (container never started).
const logError = (ns: string, pod: string, c: string, why: string) =>
  `${marker('START', ns, pod, c)}\nRequest log error: container "${c}" in pod "${pod}" is waiting to start: ${why}\n`;

async function writeNamespace(ns: string, objects: Record<string, Json[]>): Promise<void> {
  const dir = join(OUT, ns);
  await mkdir(dir, { recursive: true });
  for (const [file, kind, apiVersion, key] of FILES) await writeFile(join(dir, file), json(list(kind, apiVersion, objects[key] ?? [])));
}

async function writeLogs(ns: string, pod: string, current: string, previous?: string): Promise<void> {
  const dir = join(OUT, ns, pod);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'logs.txt'), current);
  if (previous !== undefined) await writeFile(join(dir, 'logs-previous.txt'), previous);
}

async function main(): Promise<void> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'nodes.json'), json(list('Node', 'v1', nodes())));
  await writeFile(join(OUT, 'persistentvolumes.json'), json(list('PersistentVolume', 'v1', persistentVolumes())));
  await writeFile(join(OUT, 'storageclasses.json'), json(list('StorageClass', 'storage.k8s.io/v1', storageClasses())));

  const dep = productionDeployments();
  const ctl = productionControllers();
  await writeNamespace('production', {
    ...dep, ...ctl, ...productionNetwork(), ...productionConfig(),
    pods: [...dep.pods, ...ctl.pods], events: productionEvents(),
  });
  await writeNamespace('staging', staging());

  const P = 'production';
  for (const [i, pod] of AUTH_PODS.entries()) {
    await writeLogs(P, pod, logFile(P, pod, 'auth-service', authServiceStart(2.47 + i * 0.9)), logFile(P, pod, 'auth-service', authServiceStart(7.6 + i * 0.9)));
  }
  await writeLogs(P, PAYMENT_PODS[0]!, logFile(P, PAYMENT_PODS[0]!, 'payment-worker', paymentWorkerRun(4.1)), logFile(P, PAYMENT_PODS[0]!, 'payment-worker', paymentWorkerRun(9.3)));
  await writeLogs(P, PAYMENT_PODS[1]!, logFile(P, PAYMENT_PODS[1]!, 'payment-worker', paymentWorkerRun(1.2).slice(0, 4)), logFile(P, PAYMENT_PODS[1]!, 'payment-worker', paymentWorkerRun(6.5)));
  await writeLogs(P, FRONTEND_NEW_POD, logError(P, FRONTEND_NEW_POD, 'frontend', 'trying and failing to pull image'));
  await writeLogs(P, NOTIFICATION_POD, logError(P, NOTIFICATION_POD, 'notification-service', 'CreateContainerConfigError'));
  await writeLogs(P, ANALYTICS_POD, `${marker('START', P, ANALYTICS_POD, 'analytics')}\nRequest log error: pods "${ANALYTICS_POD}" not found on any node: the pod has not been scheduled\n`);
  for (const pod of GATEWAY_PODS) await writeLogs(P, pod, logFile(P, pod, 'api-gateway', apiGatewayLogs(6 * 24 * 60)));
  await writeLogs(P, 'redis-0', logFile(P, 'redis-0', 'redis', redisLogs(20 * 24 * 60)));
  for (const pod of LOG_SHIPPER_PODS) {
    await writeLogs(P, pod, logFile(P, pod, 'fluent-bit', ['[2025/02/12 10:45:01] [ info] [fluent bit] version=3.0.2, commit=4e2d5d0e68, pid=1', '[2025/02/12 10:45:01] [ info] [output:forward:forward.0] worker #0 started']));
  }
  await writeLogs('staging', STAGING_PODS.auth, logFile('staging', STAGING_PODS.auth, 'auth-service', stagingAuthLogs(24 * 60)));
  await writeLogs('staging', STAGING_PODS.postgres, logFile('staging', STAGING_PODS.postgres, 'postgres', [
    '2025-02-12 10:45:03.118 UTC [1] LOG:  starting PostgreSQL 15.6 (Debian 15.6-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit',
    '2025-02-12 10:45:03.119 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
    '2025-02-12 10:45:03.131 UTC [1] LOG:  database system is ready to accept connections',
  ]));
  process.stdout.write(`demo cluster written to ${OUT}\n`);
}

await main();
