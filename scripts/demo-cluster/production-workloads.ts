import type { Json } from './k8s-builders.js';
import { at, meta, ownerRef, uid } from './k8s-builders.js';
import type { ContainerOpts, StatusOpts } from './workloads.js';
import { availableStatus, deployment, deploymentCondition, pod, podTemplate, replicaSet } from './workloads.js';

/**
 * The workloads of namespace `production` at 10:45 on the incident day. At 10:29 someone scaled
 * deployment `postgres` to zero; since then auth-service cannot reach its database and crash
 * loops. Around it, unrelated trouble (an OOM-killed worker, a typo in an image tag, a batch job
 * too big for any node, a service waiting for a secret nobody created) and healthy workloads.
 */
const NS = 'production';
const DAY = 24 * 60;
const apps = (name: string) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name });

export const AUTH_RS = 'auth-service-7d9f8b6c5d';
export const AUTH_PODS = ['auth-service-7d9f8b6c5d-x2k4p', 'auth-service-7d9f8b6c5d-m8n3q', 'auth-service-7d9f8b6c5d-r5t7w'];
export const PAYMENT_PODS = ['payment-worker-6c8b9d7f5-h7j2k', 'payment-worker-6c8b9d7f5-q9w4e'];
export const FRONTEND_OLD_PODS = ['frontend-5b7c9d8f6-kx7pz', 'frontend-5b7c9d8f6-n4wqv', 'frontend-5b7c9d8f6-z2lbt'];
export const FRONTEND_NEW_POD = 'frontend-8f6d4b9c7-t6hqz';
export const ANALYTICS_JOB = 'analytics-batch-29032470';
export const ANALYTICS_POD = 'analytics-batch-29032470-4xvbn';
export const NOTIFICATION_POD = 'notification-service-59d7c8b4f6-p3m8r';
export const GATEWAY_PODS = ['api-gateway-84b6f9c7d8-5vnxk', 'api-gateway-84b6f9c7d8-wq2zt'];
export const LOG_SHIPPER_PODS = ['log-shipper-8bq4m', 'log-shipper-kz7xd', 'log-shipper-tw59c'];

const secretEnv = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

const authContainer: ContainerOpts = {
  name: 'auth-service',
  image: 'registry.example.com/auth-service:v1.8.2',
  port: { name: 'http', containerPort: 8080 },
  env: [
    { name: 'NODE_ENV', value: 'production' },
    { name: 'PORT', value: '8080' },
    { name: 'DATABASE_HOST', value: 'postgres.production.svc.cluster.local' },
    { name: 'DATABASE_PORT', value: '5432' },
    { name: 'DATABASE_NAME', value: 'auth' },
    { name: 'DATABASE_USER', value: 'auth_svc' },
    secretEnv('DATABASE_PASSWORD', 'auth-db-credentials', 'password'),
    secretEnv('JWT_SIGNING_KEY', 'auth-jwt', 'signing-key'),
    // A credential pasted into a plain env value: the redaction must catch it.
    { name: 'REDIS_URL', value: 'redis://:Xk9#mP2vLq7w@redis.production.svc.cluster.local:6379/0' },
  ],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  probePath: '/healthz',
};

const authStatus = (restarts: number, lastStart: number): StatusOpts => ({
  name: 'auth-service',
  image: authContainer.image,
  state: { waiting: { reason: 'CrashLoopBackOff', message: '' } },
  lastState: { terminated: { exitCode: 1, reason: 'Error', startedMinutesAgo: lastStart, finishedMinutesAgo: lastStart - 0.28 } },
  restartCount: restarts,
  ready: false,
});

const paymentContainer: ContainerOpts = {
  name: 'payment-worker',
  image: 'registry.example.com/payment-worker:2.4.1',
  command: ['python', '-m', 'payment_worker.main'],
  env: [
    { name: 'QUEUE_URL', value: 'redis://redis.production.svc.cluster.local:6379/2' },
    { name: 'BATCH_MODE', value: 'in-memory' },
    secretEnv('STRIPE_API_KEY', 'payment-provider', 'api-key'),
  ],
  resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
};

const frontend = (tag: string): ContainerOpts => ({
  name: 'frontend',
  image: `registry.example.com/frontend:${tag}`,
  port: { name: 'http', containerPort: 80 },
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  probePath: '/',
});

const notificationContainer: ContainerOpts = {
  name: 'notification-service',
  image: 'registry.example.com/notification-service:v0.9.0',
  port: { name: 'http', containerPort: 8080 },
  env: [
    { name: 'SMTP_HOST', value: 'smtp.sendgrid.net' },
    { name: 'SMTP_PORT', value: '587' },
    secretEnv('SMTP_USERNAME', 'smtp-credentials', 'username'),
    secretEnv('SMTP_PASSWORD', 'smtp-credentials', 'password'),
  ],
  resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '200m', memory: '192Mi' } },
  probePath: '/healthz',
};

const gatewayContainer: ContainerOpts = {
  name: 'api-gateway',
  image: 'registry.example.com/api-gateway:v3.1.0',
  port: { name: 'http', containerPort: 8080 },
  env: [{ name: 'UPSTREAM_AUTH', value: 'http://auth-service.production.svc.cluster.local' }],
  resources: { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
  probePath: '/healthz',
};

const postgresContainer: ContainerOpts = {
  name: 'postgres',
  image: 'postgres:15.6',
  port: { name: 'postgres', containerPort: 5432 },
  env: [{ name: 'POSTGRES_DB', value: 'auth' }, { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }, secretEnv('POSTGRES_PASSWORD', 'postgres-credentials', 'password')],
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
};

const running = (name: string, image: string, startedMinutesAgo: number): StatusOpts => ({
  name,
  image,
  state: { running: { startedMinutesAgo } },
  ready: true,
});

export function productionDeployments(): { deployments: Json[]; replicaSets: Json[]; pods: Json[] } {
  const t = (app: string, c: ContainerOpts, volumes?: Json[]) => ({ labels: { app }, containers: [c], ...(volumes ? { volumes } : {}) });
  const pgVolumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'postgres-data' } }];
  const deployments = [
    deployment({ name: 'auth-service', namespace: NS, replicas: 3, revision: 5, template: t('auth-service', authContainer), createdMinutesAgo: 90 * DAY, status: {
      replicas: 3, updatedReplicas: 3, unavailableReplicas: 3,
      conditions: [
        deploymentCondition('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${AUTH_RS}" has successfully progressed.`, 2 * DAY, 2 * DAY),
        deploymentCondition('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', 15, 15),
      ] } }),
    deployment({ name: 'postgres', namespace: NS, replicas: 0, revision: 3, template: t('postgres', postgresContainer, pgVolumes), createdMinutesAgo: 120 * DAY, status: availableStatus(0, 'postgres-5f8d7c9b4', 16) }),
    deployment({ name: 'payment-worker', namespace: NS, replicas: 2, revision: 12, template: t('payment-worker', paymentContainer), createdMinutesAgo: 60 * DAY, status: {
      replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1,
      conditions: [
        deploymentCondition('Progressing', true, 'NewReplicaSetAvailable', 'ReplicaSet "payment-worker-6c8b9d7f5" has successfully progressed.', 3 * DAY, 3 * DAY),
        deploymentCondition('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', 4, 4),
      ] } }),
    deployment({ name: 'frontend', namespace: NS, replicas: 3, revision: 8, template: t('frontend', frontend('v2.3.1-typo')), createdMinutesAgo: 200 * DAY, status: {
      replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1,
      conditions: [
        deploymentCondition('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.', 10 * DAY, 10 * DAY),
        deploymentCondition('Progressing', false, 'ProgressDeadlineExceeded', `ReplicaSet "frontend-8f6d4b9c7" has timed out progressing.`, 12, 12),
      ] } }),
    deployment({ name: 'notification-service', namespace: NS, replicas: 1, revision: 1, template: t('notification-service', notificationContainer), createdMinutesAgo: 35, status: {
      replicas: 1, updatedReplicas: 1, unavailableReplicas: 1,
      conditions: [
        deploymentCondition('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', 35, 35),
        deploymentCondition('Progressing', false, 'ProgressDeadlineExceeded', 'ReplicaSet "notification-service-59d7c8b4f6" has timed out progressing.', 25, 25),
      ] } }),
    deployment({ name: 'api-gateway', namespace: NS, replicas: 2, revision: 21, template: t('api-gateway', gatewayContainer), createdMinutesAgo: 300 * DAY, status: availableStatus(2, 'api-gateway-84b6f9c7d8', 6 * DAY) }),
  ];
  const rs = (name: string, deploymentName: string, c: ContainerOpts, replicas: number, ready: number, revision: number, ago: number, volumes?: Json[]) =>
    replicaSet({ name, namespace: NS, deployment: deploymentName, hash: name.slice(deploymentName.length + 1), replicas, ready, revision, template: t(deploymentName, c, volumes), createdMinutesAgo: ago });
  const replicaSets = [
    rs(AUTH_RS, 'auth-service', authContainer, 3, 0, 5, 2 * DAY),
    rs('auth-service-6b8c7d9f4', 'auth-service', { ...authContainer, image: 'registry.example.com/auth-service:v1.8.1' }, 0, 0, 4, 16 * DAY),
    rs('postgres-5f8d7c9b4', 'postgres', postgresContainer, 0, 0, 3, 40 * DAY, pgVolumes),
    rs('payment-worker-6c8b9d7f5', 'payment-worker', paymentContainer, 2, 1, 12, 3 * DAY),
    rs('frontend-5b7c9d8f6', 'frontend', frontend('v2.3.0'), 3, 3, 7, 10 * DAY),
    rs('frontend-8f6d4b9c7', 'frontend', frontend('v2.3.1-typo'), 1, 0, 8, 22),
    rs('notification-service-59d7c8b4f6', 'notification-service', notificationContainer, 1, 0, 1, 35),
    rs('api-gateway-84b6f9c7d8', 'api-gateway', gatewayContainer, 2, 2, 21, 6 * DAY),
  ];
  const labels = (app: string, hash: string) => ({ app, 'pod-template-hash': hash });
  const pods = [
    ...AUTH_PODS.map((name, i) =>
      pod({ name, namespace: NS, labels: labels('auth-service', '7d9f8b6c5d'), owner: apps(AUTH_RS), node: `node-${i + 1}`, podIP: `10.244.${i + 1}.${23 + i * 17}`,
        containers: [authContainer], statuses: [authStatus(i === 0 ? 7 : 6, 2.47 + i * 0.9)], phase: 'Running', createdMinutesAgo: 2 * DAY - i * 3 })),
    pod({ name: PAYMENT_PODS[0]!, namespace: NS, labels: labels('payment-worker', '6c8b9d7f5'), owner: apps('payment-worker-6c8b9d7f5'), node: 'node-2', podIP: '10.244.2.71',
      containers: [paymentContainer], phase: 'Running', createdMinutesAgo: 3 * DAY, statuses: [{
        name: 'payment-worker', image: paymentContainer.image, ready: false, restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff', message: '' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedMinutesAgo: 4.1, finishedMinutesAgo: 3.88 } } }] }),
    pod({ name: PAYMENT_PODS[1]!, namespace: NS, labels: labels('payment-worker', '6c8b9d7f5'), owner: apps('payment-worker-6c8b9d7f5'), node: 'node-3', podIP: '10.244.3.52',
      containers: [paymentContainer], phase: 'Running', createdMinutesAgo: 3 * DAY, statuses: [{
        name: 'payment-worker', image: paymentContainer.image, ready: true, restartCount: 4,
        state: { running: { startedMinutesAgo: 1.2 } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedMinutesAgo: 6.5, finishedMinutesAgo: 6.29 } } }] }),
    ...FRONTEND_OLD_PODS.map((name, i) =>
      pod({ name, namespace: NS, labels: labels('frontend', '5b7c9d8f6'), owner: apps('frontend-5b7c9d8f6'), node: `node-${i + 1}`, podIP: `10.244.${i + 1}.${110 + i}`,
        containers: [frontend('v2.3.0')], statuses: [running('frontend', 'registry.example.com/frontend:v2.3.0', 10 * DAY)], phase: 'Running', createdMinutesAgo: 10 * DAY })),
    pod({ name: FRONTEND_NEW_POD, namespace: NS, labels: labels('frontend', '8f6d4b9c7'), owner: apps('frontend-8f6d4b9c7'), node: 'node-3', podIP: '10.244.3.118',
      containers: [frontend('v2.3.1-typo')], phase: 'Pending', createdMinutesAgo: 22, statuses: [{
        name: 'frontend', image: 'registry.example.com/frontend:v2.3.1-typo', ready: false, pulled: false,
        state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/frontend:v2.3.1-typo"' } } }] }),
    pod({ name: NOTIFICATION_POD, namespace: NS, labels: labels('notification-service', '59d7c8b4f6'), owner: apps('notification-service-59d7c8b4f6'), node: 'node-1', podIP: '10.244.1.87',
      containers: [notificationContainer], phase: 'Pending', createdMinutesAgo: 35, statuses: [{
        name: 'notification-service', image: notificationContainer.image, ready: false,
        state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "smtp-credentials" not found' } } }] }),
    ...GATEWAY_PODS.map((name, i) =>
      pod({ name, namespace: NS, labels: labels('api-gateway', '84b6f9c7d8'), owner: apps('api-gateway-84b6f9c7d8'), node: `node-${i + 2}`, podIP: `10.244.${i + 2}.${140 + i}`,
        containers: [gatewayContainer], statuses: [running('api-gateway', gatewayContainer.image, 6 * DAY)], phase: 'Running', createdMinutesAgo: 6 * DAY })),
  ];
  return { deployments, replicaSets, pods };
}

const redisContainer: ContainerOpts = {
  name: 'redis',
  image: 'redis:7.2.4',
  port: { name: 'redis', containerPort: 6379 },
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  volumeMounts: [{ name: 'redis-data', mountPath: '/data' }],
};

const shipperContainer: ContainerOpts = {
  name: 'fluent-bit',
  image: 'fluent/fluent-bit:3.0.2',
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
  volumeMounts: [{ name: 'varlog', readOnly: true, mountPath: '/var/log' }],
};

export function productionControllers(): { statefulSets: Json[]; daemonSets: Json[]; jobs: Json[]; cronJobs: Json[]; pods: Json[] } {
  const redisLabels = { app: 'redis' };
  const statefulSets = [{
    kind: 'StatefulSet', apiVersion: 'apps/v1',
    metadata: meta('redis', NS, 150 * DAY, { generation: 2, labels: redisLabels }),
    spec: {
      replicas: 1, selector: { matchLabels: redisLabels }, serviceName: 'redis',
      template: podTemplate({ labels: redisLabels, containers: [redisContainer] }),
      volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'redis-data', creationTimestamp: null },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Gi' } }, storageClassName: 'gp3', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
      podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    },
    status: { observedGeneration: 2, replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, currentRevision: 'redis-6d5f8b7c9', updateRevision: 'redis-6d5f8b7c9', collisionCount: 0, availableReplicas: 1 },
  }];
  const shipperLabels = { app: 'log-shipper' };
  const daemonSets = [{
    kind: 'DaemonSet', apiVersion: 'apps/v1',
    metadata: meta('log-shipper', NS, 200 * DAY, { generation: 1, labels: shipperLabels, annotations: { 'deprecated.daemonset.template.generation': '1' } }),
    spec: {
      selector: { matchLabels: shipperLabels },
      template: podTemplate({ labels: shipperLabels, containers: [shipperContainer], volumes: [{ name: 'varlog', hostPath: { path: '/var/log', type: '' } }] }),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10,
    },
    status: { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 3 },
  }];
  const jobLabels = { 'batch.kubernetes.io/controller-uid': uid(`${NS}/${ANALYTICS_JOB}`), 'batch.kubernetes.io/job-name': ANALYTICS_JOB, 'controller-uid': uid(`${NS}/${ANALYTICS_JOB}`), 'job-name': ANALYTICS_JOB };
  const analytics: ContainerOpts = {
    name: 'analytics', image: 'registry.example.com/analytics-batch:1.12.0', command: ['python', '-m', 'analytics.daily_rollup'],
    resources: { requests: { cpu: '2', memory: '12Gi' }, limits: { cpu: '4', memory: '12Gi' } },
  };
  const jobTemplate = { ...podTemplate({ labels: jobLabels, containers: [analytics] }) };
  (jobTemplate.spec as Json).restartPolicy = 'Never';
  const cronJobs = [{
    kind: 'CronJob', apiVersion: 'batch/v1',
    metadata: meta('analytics-batch', NS, 45 * DAY, { generation: 3 }),
    spec: {
      schedule: '30 10 * * *', concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { creationTimestamp: null }, spec: { backoffLimit: 2, template: { ...jobTemplate, metadata: { creationTimestamp: null } } } },
    },
    status: { active: [{ kind: 'Job', namespace: NS, name: ANALYTICS_JOB, uid: uid(`${NS}/${ANALYTICS_JOB}`), apiVersion: 'batch/v1', resourceVersion: '4811950' }], lastScheduleTime: at(15), lastSuccessfulTime: at(DAY - 42) },
  }];
  const jobs = [{
    kind: 'Job', apiVersion: 'batch/v1',
    metadata: meta(ANALYTICS_JOB, NS, 15, { generation: 1, labels: jobLabels, annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': at(15) },
      ownerReferences: [ownerRef('batch/v1', 'CronJob', 'analytics-batch', NS)] }),
    spec: {
      parallelism: 1, completions: 1, backoffLimit: 2, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid(`${NS}/${ANALYTICS_JOB}`) } },
      manualSelector: false, template: jobTemplate, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatedOrFailed',
    },
    status: { startTime: at(15), active: 1, terminating: 0, uncountedTerminatedPods: {}, ready: 0 },
  }];
  const pods = [
    pod({ name: 'redis-0', namespace: NS, labels: { ...redisLabels, 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': 'redis-6d5f8b7c9', 'statefulset.kubernetes.io/pod-name': 'redis-0' },
      owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'redis' }, node: 'node-1', podIP: '10.244.1.9', phase: 'Running', createdMinutesAgo: 20 * DAY,
      containers: [redisContainer], volumes: [{ name: 'redis-data', persistentVolumeClaim: { claimName: 'redis-data-redis-0' } }],
      statuses: [running('redis', redisContainer.image, 20 * DAY)] }),
    ...LOG_SHIPPER_PODS.map((name, i) => pod({ name, namespace: NS, labels: { ...shipperLabels, 'controller-revision-hash': '7c9d5b8f4', 'pod-template-generation': '1' },
      owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'log-shipper' }, node: `node-${i + 1}`, podIP: `10.244.${i + 1}.4`, phase: 'Running', createdMinutesAgo: 30 * DAY,
      containers: [shipperContainer], volumes: [{ name: 'varlog', hostPath: { path: '/var/log', type: '' } }], statuses: [running('fluent-bit', shipperContainer.image, 30 * DAY)] })),
    pod({ name: ANALYTICS_POD, namespace: NS, labels: jobLabels, owner: { apiVersion: 'batch/v1', kind: 'Job', name: ANALYTICS_JOB }, phase: 'Pending', createdMinutesAgo: 15,
      containers: [analytics], statuses: [], restartPolicy: 'Never',
      conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: at(15), reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.' }] }),
  ];
  return { statefulSets, daemonSets, jobs, cronJobs, pods };
}
