import type { EventSpec, Json } from './k8s-builders.js';
import { event, uid } from './k8s-builders.js';
import {
  ANALYTICS_JOB,
  ANALYTICS_POD,
  AUTH_PODS,
  FRONTEND_NEW_POD,
  NOTIFICATION_POD,
  PAYMENT_PODS,
} from './production-workloads.js';

/** The events of `production` in the hour before 10:45, as the controllers and kubelets wrote them. */
const NS = 'production';
const IMAGE_TYPO = 'registry.example.com/frontend:v2.3.1-typo';

type Spec = Omit<EventSpec, 'namespace'>;

const container = (pod: string, c: string) => ({ kind: 'Pod', name: pod, fieldPath: `spec.containers{${c}}` });
const podRef = (pod: string) => ({ kind: 'Pod', name: pod });
const kubelet = (node: string) => ({ component: 'kubelet', host: node });

function containerRestarts(pod: string, c: string, image: string, node: string, restarts: number, first: number, backoffs: number): Spec[] {
  return [
    { involved: container(pod, c), type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, ...kubelet(node), count: restarts + 1, firstMinutesAgo: first, lastMinutesAgo: 2.5 },
    { involved: container(pod, c), type: 'Normal', reason: 'Created', message: `Created container ${c}`, ...kubelet(node), count: restarts + 1, firstMinutesAgo: first, lastMinutesAgo: 2.5 },
    { involved: container(pod, c), type: 'Normal', reason: 'Started', message: `Started container ${c}`, ...kubelet(node), count: restarts + 1, firstMinutesAgo: first, lastMinutesAgo: 2.5 },
    { involved: container(pod, c), type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${c} in pod ${pod}_${NS}(${uid(`${NS}/${pod}`)})`, ...kubelet(node), count: backoffs, firstMinutesAgo: first - 0.3, lastMinutesAgo: 0.2 },
  ];
}

export function productionEvents(): Json[] {
  const specs: Spec[] = [
    // 10:29 — the change that starts it all.
    { involved: { kind: 'Deployment', name: 'postgres', apiVersion: 'apps/v1' }, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled down replica set postgres-5f8d7c9b4 to 0 from 1', component: 'deployment-controller', firstMinutesAgo: 16 },
    { involved: { kind: 'ReplicaSet', name: 'postgres-5f8d7c9b4', apiVersion: 'apps/v1' }, type: 'Normal', reason: 'SuccessfulDelete', message: 'Deleted pod: postgres-5f8d7c9b4-jx8kq', component: 'replicaset-controller', firstMinutesAgo: 16 },
    { involved: container('postgres-5f8d7c9b4-jx8kq', 'postgres'), type: 'Normal', reason: 'Killing', message: 'Stopping container postgres', ...kubelet('node-2'), firstMinutesAgo: 16 },

    ...AUTH_PODS.flatMap((pod, i) => containerRestarts(pod, 'auth-service', 'registry.example.com/auth-service:v1.8.2', `node-${i + 1}`, i === 0 ? 7 : 6, 15.5, 62 - i * 3)),
    { involved: container(AUTH_PODS[0]!, 'auth-service'), type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: Get "http://10.244.1.23:8080/healthz": dial tcp 10.244.1.23:8080: connect: connection refused', ...kubelet('node-1'), count: 2, firstMinutesAgo: 15.4, lastMinutesAgo: 8 },

    ...containerRestarts(PAYMENT_PODS[0]!, 'payment-worker', 'registry.example.com/payment-worker:2.4.1', 'node-2', 5, 48, 19),
    ...containerRestarts(PAYMENT_PODS[1]!, 'payment-worker', 'registry.example.com/payment-worker:2.4.1', 'node-3', 4, 52, 11),

    { involved: { kind: 'Deployment', name: 'frontend', apiVersion: 'apps/v1' }, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set frontend-8f6d4b9c7 to 1', component: 'deployment-controller', firstMinutesAgo: 22 },
    { involved: { kind: 'ReplicaSet', name: 'frontend-8f6d4b9c7', apiVersion: 'apps/v1' }, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${FRONTEND_NEW_POD}`, component: 'replicaset-controller', firstMinutesAgo: 22 },
    { involved: podRef(FRONTEND_NEW_POD), type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${NS}/${FRONTEND_NEW_POD} to node-3`, component: 'default-scheduler', firstMinutesAgo: 22 },
    { involved: container(FRONTEND_NEW_POD, 'frontend'), type: 'Normal', reason: 'Pulling', message: `Pulling image "${IMAGE_TYPO}"`, ...kubelet('node-3'), count: 9, firstMinutesAgo: 21.9, lastMinutesAgo: 1.7 },
    { involved: container(FRONTEND_NEW_POD, 'frontend'), type: 'Warning', reason: 'Failed', message: `Failed to pull image "${IMAGE_TYPO}": rpc error: code = NotFound desc = failed to pull and unpack image "${IMAGE_TYPO}": failed to resolve reference "${IMAGE_TYPO}": ${IMAGE_TYPO}: not found`, ...kubelet('node-3'), count: 9, firstMinutesAgo: 21.9, lastMinutesAgo: 1.7 },
    { involved: container(FRONTEND_NEW_POD, 'frontend'), type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', ...kubelet('node-3'), count: 9, firstMinutesAgo: 21.9, lastMinutesAgo: 1.7 },
    { involved: container(FRONTEND_NEW_POD, 'frontend'), type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${IMAGE_TYPO}"`, ...kubelet('node-3'), count: 87, firstMinutesAgo: 21.8, lastMinutesAgo: 0.4 },
    { involved: container(FRONTEND_NEW_POD, 'frontend'), type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', ...kubelet('node-3'), count: 87, firstMinutesAgo: 21.8, lastMinutesAgo: 0.4 },

    { involved: { kind: 'CronJob', name: 'analytics-batch', apiVersion: 'batch/v1' }, type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${ANALYTICS_JOB}`, component: 'cronjob-controller', firstMinutesAgo: 15 },
    { involved: { kind: 'Job', name: ANALYTICS_JOB, apiVersion: 'batch/v1' }, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${ANALYTICS_POD}`, component: 'job-controller', firstMinutesAgo: 15 },
    { involved: podRef(ANALYTICS_POD), type: 'Warning', reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', component: 'default-scheduler', count: 4, firstMinutesAgo: 15, lastMinutesAgo: 2 },

    { involved: { kind: 'Deployment', name: 'notification-service', apiVersion: 'apps/v1' }, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set notification-service-59d7c8b4f6 to 1', component: 'deployment-controller', firstMinutesAgo: 35 },
    { involved: { kind: 'ReplicaSet', name: 'notification-service-59d7c8b4f6', apiVersion: 'apps/v1' }, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${NOTIFICATION_POD}`, component: 'replicaset-controller', firstMinutesAgo: 35 },
    { involved: podRef(NOTIFICATION_POD), type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${NS}/${NOTIFICATION_POD} to node-1`, component: 'default-scheduler', firstMinutesAgo: 35 },
    { involved: container(NOTIFICATION_POD, 'notification-service'), type: 'Normal', reason: 'Pulled', message: 'Container image "registry.example.com/notification-service:v0.9.0" already present on machine', ...kubelet('node-1'), count: 161, firstMinutesAgo: 34.9, lastMinutesAgo: 0.3 },
    { involved: container(NOTIFICATION_POD, 'notification-service'), type: 'Warning', reason: 'Failed', message: 'Error: secret "smtp-credentials" not found', ...kubelet('node-1'), count: 161, firstMinutesAgo: 34.9, lastMinutesAgo: 0.3 },
  ];
  return specs.map((s) => event({ namespace: NS, ...s }));
}
