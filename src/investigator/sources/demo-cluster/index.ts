import { fileURLToPath } from 'node:url';
import type { FileSourceOptions } from '../dump-source.js';
import { createDumpSource } from '../dump-source.js';
import type { EvidenceSource } from '../../cluster/snapshot.js';

/**
 * The bundled demo cluster: a `kubectl cluster-info dump` folder (./data, written by
 * ./generator/write-demo.ts) modelled on a real incident. Namespace `production`, 10:45:
 * deployment `postgres` was scaled to 0 at 10:29, so service `postgres` has no endpoints and the
 * three `auth-service` pods crash loop on `connect ECONNREFUSED 10.96.112.45:5432`. Also broken:
 * `payment-worker` (OOMKilled, limit 256Mi), `frontend` (rollout stuck on ImagePullBackOff for
 * registry.example.com/frontend:v2.3.1-typo), `analytics-batch` (CronJob → Job → pod Pending,
 * 3 Insufficient memory), `notification-service` (CreateContainerConfigError, secret
 * "smtp-credentials" not found). Healthy: api-gateway (+HPA), redis (StatefulSet), log-shipper
 * (DaemonSet), nodes node-1..3, and namespace `staging`.
 */
export const DEMO_DIR = fileURLToPath(new URL('./data/', import.meta.url));

/** Well-known names in the demo, for tests and examples. */
export const DEMO = {
  namespace: 'production',
  authPods: ['auth-service-7d9f8b6c5d-x2k4p', 'auth-service-7d9f8b6c5d-m8n3q', 'auth-service-7d9f8b6c5d-r5t7w'],
  oomPod: 'payment-worker-6c8b9d7f5-h7j2k',
  imagePullPod: 'frontend-8f6d4b9c7-t6hqz',
  pendingPod: 'analytics-batch-29032470-4xvbn',
  missingSecretPod: 'notification-service-59d7c8b4f6-p3m8r',
  healthyPods: ['api-gateway-84b6f9c7d8-5vnxk', 'api-gateway-84b6f9c7d8-wq2zt', 'redis-0'],
} as const;

export function demoSource(options: FileSourceOptions = {}): EvidenceSource {
  return createDumpSource(DEMO_DIR, { ...options, kind: 'demo', description: 'bundled demo cluster (incident in namespace production)' });
}
