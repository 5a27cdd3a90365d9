import type { Json } from './k8s-builders.js';
import { at, meta, uid } from './k8s-builders.js';
import { AUTH_PODS, FRONTEND_NEW_POD, FRONTEND_OLD_PODS, GATEWAY_PODS, NOTIFICATION_POD } from './production-workloads.js';

/** Services, endpoints, ingress, HPA, config, secrets, quotas and claims of `production`. */
const NS = 'production';
const DAY = 24 * 60;

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function service(ns: string, name: string, clusterIP: string, port: number, targetPort: number | string, portName: string, ago: number): Json {
  return {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: meta(name, ns, ago, { labels: { app: name } }),
    spec: {
      ports: [{ name: portName, protocol: 'TCP', port, targetPort }],
      selector: { app: name },
      clusterIP,
      clusterIPs: [clusterIP],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

export interface EndpointPod {
  pod: string;
  ip: string;
  node: string;
  ready: boolean;
}

/** An Endpoints object; with no pods it has no `subsets` at all, as the API server returns it. */
export function endpoints(ns: string, name: string, pods: EndpointPod[], port: { name: string; port: number }, changedMinutesAgo: number): Json {
  const address = (p: EndpointPod) => ({ ip: p.ip, nodeName: p.node, targetRef: { kind: 'Pod', namespace: ns, name: p.pod, uid: uid(`${ns}/${p.pod}`) } });
  const ready = pods.filter((p) => p.ready).map(address);
  const notReady = pods.filter((p) => !p.ready).map(address);
  return {
    kind: 'Endpoints',
    apiVersion: 'v1',
    metadata: {
      ...meta(name, ns, 90 * DAY, { labels: { app: name } }),
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': at(changedMinutesAgo) },
    },
    ...(pods.length > 0
      ? { subsets: [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports: [{ ...port, protocol: 'TCP' }] }] }
      : {}),
  };
}

export function productionNetwork(): { services: Json[]; endpoints: Json[]; ingresses: Json[]; horizontalPodAutoscalers: Json[] } {
  const services = [
    service(NS, 'auth-service', '10.96.45.12', 80, 'http', 'http', 90 * DAY),
    service(NS, 'postgres', '10.96.112.45', 5432, 5432, 'postgres', 120 * DAY),
    service(NS, 'redis', '10.96.88.20', 6379, 6379, 'redis', 150 * DAY),
    service(NS, 'frontend', '10.96.23.101', 80, 'http', 'http', 200 * DAY),
    service(NS, 'api-gateway', '10.96.71.5', 80, 'http', 'http', 300 * DAY),
    service(NS, 'notification-service', '10.96.140.77', 80, 'http', 'http', 35),
  ];
  const ep = (pods: string[], ips: string[], nodes: string[], ready: boolean) => pods.map((pod, i) => ({ pod, ip: ips[i]!, node: nodes[i]!, ready }));
  const endpointsList = [
    endpoints(NS, 'auth-service', ep(AUTH_PODS, ['10.244.1.23', '10.244.2.40', '10.244.3.57'], ['node-1', 'node-2', 'node-3'], false), { name: 'http', port: 8080 }, 15),
    endpoints(NS, 'postgres', [], { name: 'postgres', port: 5432 }, 16),
    endpoints(NS, 'redis', [{ pod: 'redis-0', ip: '10.244.1.9', node: 'node-1', ready: true }], { name: 'redis', port: 6379 }, 20 * DAY),
    endpoints(NS, 'frontend', [
      ...ep(FRONTEND_OLD_PODS, ['10.244.1.110', '10.244.2.111', '10.244.3.112'], ['node-1', 'node-2', 'node-3'], true),
      { pod: FRONTEND_NEW_POD, ip: '10.244.3.118', node: 'node-3', ready: false },
    ], { name: 'http', port: 80 }, 22),
    endpoints(NS, 'api-gateway', ep(GATEWAY_PODS, ['10.244.2.140', '10.244.3.141'], ['node-2', 'node-3'], true), { name: 'http', port: 8080 }, 6 * DAY),
    endpoints(NS, 'notification-service', [{ pod: NOTIFICATION_POD, ip: '10.244.1.87', node: 'node-1', ready: false }], { name: 'http', port: 8080 }, 35),
  ];
  const backend = (name: string) => ({ service: { name, port: { number: 80 } } });
  const ingresses = [{
    kind: 'Ingress', apiVersion: 'networking.k8s.io/v1',
    metadata: meta('shop', NS, 200 * DAY, { generation: 4, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } }),
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-example-com-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [
        { path: '/api', pathType: 'Prefix', backend: backend('api-gateway') },
        { path: '/', pathType: 'Prefix', backend: backend('frontend') },
      ] } }],
    },
    status: { loadBalancer: { ingress: [{ hostname: 'a3f9c2e1b7d84e5f9a0b1c2d3e4f5a6b-1234567890.us-east-1.elb.amazonaws.com' }] } },
  }];
  const cond = (type: string, reason: string, message: string, ago: number) => ({ type, status: 'True', lastTransitionTime: at(ago), reason, message });
  const horizontalPodAutoscalers = [{
    kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2',
    metadata: meta('api-gateway', NS, 300 * DAY),
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'api-gateway', apiVersion: 'apps/v1' },
      minReplicas: 2, maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
    status: {
      lastScaleTime: at(6 * DAY), currentReplicas: 2, desiredReplicas: 2,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '61m', averageUtilization: 31 } } }],
      conditions: [
        cond('AbleToScale', 'ReadyForNewScale', 'recommended size matches current size', 6 * DAY),
        cond('ScalingActive', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', 6 * DAY),
        cond('ScalingLimited', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count', 6 * DAY),
      ],
    },
  }];
  return { services, endpoints: endpointsList, ingresses, horizontalPodAutoscalers };
}

export function secret(ns: string, name: string, type: string, data: Record<string, string>, ago: number): Json {
  return {
    kind: 'Secret', apiVersion: 'v1',
    metadata: meta(name, ns, ago),
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    type,
  };
}

export function configMap(ns: string, name: string, data: Record<string, string>, ago: number): Json {
  return { kind: 'ConfigMap', apiVersion: 'v1', metadata: meta(name, ns, ago), data };
}

export const rootCa = (ns: string) =>
  configMap(ns, 'kube-root-ca.crt', { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI0MDMxNDA5MDAwMFoXDTM0MDMxMjA5MDAwMFowFTETMBEGA1UE\n-----END CERTIFICATE-----\n' }, 300 * DAY);

export function productionConfig(): { configMaps: Json[]; secrets: Json[]; resourceQuotas: Json[]; limitRanges: Json[]; persistentVolumeClaims: Json[] } {
  const configMaps = [
    rootCa(NS),
    configMap(NS, 'auth-service-config', { LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '600', SESSION_TTL: '3600' }, 90 * DAY),
    configMap(NS, 'frontend-nginx', { 'nginx.conf': 'server {\n  listen 80;\n  root /usr/share/nginx/html;\n  location / { try_files $uri /index.html; }\n}\n' }, 200 * DAY),
  ];
  const secrets = [
    secret(NS, 'auth-db-credentials', 'Opaque', { username: 'auth_svc', password: 'pr0d-Auth-DB-9f2c' }, 90 * DAY),
    secret(NS, 'auth-jwt', 'Opaque', { 'signing-key': 'b3f1c9a7e2d84f6b9c0a1e2d3f4a5b6c7d8e9f00112233445566778899aabbcc' }, 90 * DAY),
    secret(NS, 'postgres-credentials', 'Opaque', { password: 'pg-Sup3r-S3cret!' }, 120 * DAY),
    secret(NS, 'payment-provider', 'Opaque', { 'api-key': 'sk_live_51HxY2eKz9QvR8tP4mN6bW3cJ' }, 60 * DAY),
    secret(NS, 'shop-example-com-tls', 'kubernetes.io/tls', { 'tls.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'tls.key': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' }, 40 * DAY),
    secret(NS, 'registry-pull', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '{"auths":{"registry.example.com":{"auth":"Y2k6cHVsbC10b2tlbg=="}}}' }, 300 * DAY),
  ];
  const quotaHard = { 'limits.cpu': '40', 'limits.memory': '64Gi', pods: '50', 'requests.cpu': '20', 'requests.memory': '40Gi' };
  const resourceQuotas = [{
    kind: 'ResourceQuota', apiVersion: 'v1',
    metadata: meta('compute-resources', NS, 300 * DAY),
    spec: { hard: quotaHard },
    status: { hard: quotaHard, used: { 'limits.cpu': '11500m', 'limits.memory': '19328Mi', pods: '17', 'requests.cpu': '4700m', 'requests.memory': '14912Mi' } },
  }];
  const limitRanges = [{
    kind: 'LimitRange', apiVersion: 'v1',
    metadata: meta('default-limits', NS, 300 * DAY),
    spec: { limits: [{ type: 'Container', max: { memory: '16Gi' }, default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
  }];
  const persistentVolumeClaims = [claim(NS, 'postgres-data', '20Gi', 120 * DAY), claim(NS, 'redis-data-redis-0', '8Gi', 150 * DAY, { app: 'redis' })];
  return { configMaps, secrets, resourceQuotas, limitRanges, persistentVolumeClaims };
}

export function claim(ns: string, name: string, size: string, ago: number, labels?: Record<string, string>): Json {
  return {
    kind: 'PersistentVolumeClaim', apiVersion: 'v1',
    metadata: meta(name, ns, ago, {
      labels,
      annotations: {
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
        'volume.kubernetes.io/selected-node': 'node-1',
        'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
      },
      finalizers: ['kubernetes.io/pvc-protection'],
    }),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, volumeName: `pvc-${uid(`${ns}/${name}`)}`, storageClassName: 'gp3', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } },
  };
}

