import type { Json } from './k8s-builders.js';
import type { ContainerOpts } from './workloads.js';
import { availableStatus, deployment, pod, replicaSet } from './workloads.js';
import { claim, endpoints, rootCa, secret, service } from './production-network.js';

/** Namespace `staging`: the same two services, healthy. Nothing to find here. */
const NS = 'staging';
const DAY = 24 * 60;

const auth: ContainerOpts = {
  name: 'auth-service',
  image: 'registry.example.com/auth-service:v1.9.0-rc.1',
  port: { name: 'http', containerPort: 8080 },
  env: [{ name: 'NODE_ENV', value: 'staging' }, { name: 'DATABASE_HOST', value: 'postgres.staging.svc.cluster.local' }, { name: 'DATABASE_PORT', value: '5432' }],
  resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '250m', memory: '192Mi' } },
  probePath: '/healthz',
};
const postgres: ContainerOpts = {
  name: 'postgres',
  image: 'postgres:15.6',
  port: { name: 'postgres', containerPort: 5432 },
  env: [{ name: 'POSTGRES_DB', value: 'auth' }, { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } }],
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
};
export const STAGING_PODS = { auth: 'auth-service-5c6d7f8b9-lq2rx', postgres: 'postgres-7b9c6d5f4-vv8kd' };

export function staging(): Record<string, Json[]> {
  const pgVolumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'postgres-data' } }];
  const running = (c: ContainerOpts, ago: number) => ({ name: c.name, image: c.image, state: { running: { startedMinutesAgo: ago } }, ready: true });
  return {
    deployments: [
      deployment({ name: 'auth-service', namespace: NS, replicas: 1, revision: 9, template: { labels: { app: 'auth-service' }, containers: [auth] }, createdMinutesAgo: 60 * DAY, status: availableStatus(1, 'auth-service-5c6d7f8b9', DAY) }),
      deployment({ name: 'postgres', namespace: NS, replicas: 1, revision: 2, template: { labels: { app: 'postgres' }, containers: [postgres], volumes: pgVolumes }, createdMinutesAgo: 60 * DAY, status: availableStatus(1, 'postgres-7b9c6d5f4', 30 * DAY) }),
    ],
    replicaSets: [
      replicaSet({ name: 'auth-service-5c6d7f8b9', namespace: NS, deployment: 'auth-service', hash: '5c6d7f8b9', replicas: 1, ready: 1, revision: 9, template: { labels: { app: 'auth-service' }, containers: [auth] }, createdMinutesAgo: DAY }),
      replicaSet({ name: 'postgres-7b9c6d5f4', namespace: NS, deployment: 'postgres', hash: '7b9c6d5f4', replicas: 1, ready: 1, revision: 2, template: { labels: { app: 'postgres' }, containers: [postgres], volumes: pgVolumes }, createdMinutesAgo: 30 * DAY }),
    ],
    pods: [
      pod({ name: STAGING_PODS.auth, namespace: NS, labels: { app: 'auth-service', 'pod-template-hash': '5c6d7f8b9' }, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'auth-service-5c6d7f8b9' },
        node: 'node-2', podIP: '10.244.2.201', phase: 'Running', createdMinutesAgo: DAY, containers: [auth], statuses: [running(auth, DAY)] }),
      pod({ name: STAGING_PODS.postgres, namespace: NS, labels: { app: 'postgres', 'pod-template-hash': '7b9c6d5f4' }, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'postgres-7b9c6d5f4' },
        node: 'node-2', podIP: '10.244.2.202', phase: 'Running', createdMinutesAgo: 30 * DAY, containers: [postgres], volumes: pgVolumes, statuses: [running(postgres, 30 * DAY)] }),
    ],
    services: [service(NS, 'auth-service', '10.96.201.10', 80, 'http', 'http', 60 * DAY), service(NS, 'postgres', '10.96.201.45', 5432, 5432, 'postgres', 60 * DAY)],
    endpoints: [
      endpoints(NS, 'auth-service', [{ pod: STAGING_PODS.auth, ip: '10.244.2.201', node: 'node-2', ready: true }], { name: 'http', port: 8080 }, DAY),
      endpoints(NS, 'postgres', [{ pod: STAGING_PODS.postgres, ip: '10.244.2.202', node: 'node-2', ready: true }], { name: 'postgres', port: 5432 }, 30 * DAY),
    ],
    configMaps: [rootCa(NS)],
    secrets: [secret(NS, 'postgres-credentials', 'Opaque', { password: 'staging-pg-pass-1' }, 60 * DAY)],
    persistentVolumeClaims: [claim(NS, 'postgres-data', '5Gi', 60 * DAY)],
    events: [],
  };
}
