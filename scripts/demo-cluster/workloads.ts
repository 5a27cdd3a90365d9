import type { Json } from './k8s-builders.js';
import { at, containerId, defaultTolerations, imageDigest, kubeApiAccessVolume, meta, ownerRef, uid } from './k8s-builders.js';

/** Workload objects (containers, pods, ReplicaSets, Deployments) as the API server returns them. */
export interface ContainerOpts {
  name: string;
  image: string;
  port?: { name: string; containerPort: number };
  env?: Json[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  probePath?: string;
  command?: string[];
  volumeMounts?: Json[];
}

export function container(c: ContainerOpts, apiAccessSuffix?: string): Json {
  const probe = (initialDelaySeconds: number, periodSeconds: number) => ({
    httpGet: { path: c.probePath, port: c.port?.name ?? 8080, scheme: 'HTTP' },
    initialDelaySeconds,
    timeoutSeconds: 1,
    periodSeconds,
    successThreshold: 1,
    failureThreshold: 3,
  });
  return {
    name: c.name,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    ...(c.port ? { ports: [{ ...c.port, protocol: 'TCP' }] } : {}),
    ...(c.env ? { env: c.env } : {}),
    resources: c.resources ?? {},
    volumeMounts: [
      ...(c.volumeMounts ?? []),
      ...(apiAccessSuffix
        ? [{ name: `kube-api-access-${apiAccessSuffix}`, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]
        : []),
    ],
    ...(c.probePath ? { livenessProbe: probe(15, 20), readinessProbe: probe(5, 10) } : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

export type State =
  | { running: { startedMinutesAgo: number } }
  | { waiting: { reason: string; message?: string } }
  | { terminated: { exitCode: number; reason: string; startedMinutesAgo: number; finishedMinutesAgo: number; message?: string } };

function state(s: State | undefined, seed: string): Json {
  if (s === undefined) return {};
  if ('running' in s) return { running: { startedAt: at(s.running.startedMinutesAgo) } };
  if ('waiting' in s) return { waiting: { reason: s.waiting.reason, ...(s.waiting.message ? { message: s.waiting.message } : {}) } };
  const t = s.terminated;
  return {
    terminated: {
      exitCode: t.exitCode,
      reason: t.reason,
      ...(t.message ? { message: t.message } : {}),
      startedAt: at(t.startedMinutesAgo),
      finishedAt: at(t.finishedMinutesAgo),
      containerID: containerId(`${seed}:${t.finishedMinutesAgo}`),
    },
  };
}

export interface StatusOpts {
  name: string;
  image: string;
  state: State;
  lastState?: State;
  restartCount?: number;
  ready: boolean;
  /** false when the image was never pulled (no imageID, no containerID). */
  pulled?: boolean;
}

export function containerStatus(pod: string, s: StatusOpts): Json {
  const pulled = s.pulled ?? true;
  const started = 'running' in s.state;
  return {
    name: s.name,
    state: state(s.state, `${pod}/${s.name}`),
    lastState: state(s.lastState, `${pod}/${s.name}/last`),
    ready: s.ready,
    restartCount: s.restartCount ?? 0,
    image: s.image,
    imageID: pulled ? imageDigest(s.image) : '',
    ...(pulled && started ? { containerID: containerId(`${pod}/${s.name}`) } : {}),
    started,
  };
}

export interface PodOpts {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string };
  node?: string;
  podIP?: string;
  containers: ContainerOpts[];
  statuses: StatusOpts[];
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  createdMinutesAgo: number;
  /** Overrides for the standard conditions (e.g. PodScheduled False, Unschedulable). */
  conditions?: Json[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  qosClass?: string;
  volumes?: Json[];
  extraTolerations?: Json[];
}

const hostIPs: Record<string, string> = { 'node-1': '10.0.1.11', 'node-2': '10.0.1.12', 'node-3': '10.0.1.13' };

export function pod(p: PodOpts): Json {
  const suffix = uid(`api-access/${p.name}`).slice(0, 5);
  const allReady = p.statuses.every((s) => s.ready);
  const notReady = p.statuses.filter((s) => !s.ready).map((s) => s.name);
  const created = p.createdMinutesAgo;
  const cond = (type: string, ok: boolean, reason?: string, message?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: at(ok ? created - 0.1 : Math.max(created - 0.5, 0.2)),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });
  const unreadyMsg = `containers with unready status: [${notReady.join(' ')}]`;
  const conditions = p.conditions ?? [
    cond('PodReadyToStartContainers', true),
    cond('Initialized', true),
    allReady ? cond('Ready', true) : cond('Ready', false, 'ContainersNotReady', unreadyMsg),
    allReady ? cond('ContainersReady', true) : cond('ContainersReady', false, 'ContainersNotReady', unreadyMsg),
    cond('PodScheduled', true),
  ];
  const hostIP = p.node ? hostIPs[p.node] : undefined;
  const generateName = p.owner ? `${p.name.slice(0, p.name.lastIndexOf('-') + 1)}` : undefined;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: meta(p.name, p.namespace, created, {
      generateName,
      labels: p.labels,
      ownerReferences: p.owner ? [ownerRef(p.owner.apiVersion, p.owner.kind, p.owner.name, p.namespace)] : undefined,
    }),
    spec: {
      volumes: [...(p.volumes ?? []), kubeApiAccessVolume(suffix)],
      containers: p.containers.map((c) => container(c, suffix)),
      restartPolicy: p.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      ...(p.node ? { nodeName: p.node } : {}),
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [...(p.extraTolerations ?? []), ...defaultTolerations],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: p.phase,
      conditions,
      ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
      ...(p.podIP ? { podIP: p.podIP, podIPs: [{ ip: p.podIP }] } : {}),
      ...(p.node ? { startTime: at(created - 0.05) } : {}),
      ...(p.node ? { containerStatuses: p.statuses.map((s) => containerStatus(p.name, s)) } : {}),
      qosClass: p.qosClass ?? 'Burstable',
    },
  };
}

export interface TemplateOpts {
  labels: Record<string, string>;
  containers: ContainerOpts[];
  volumes?: Json[];
}

export function podTemplate(t: TemplateOpts): Json {
  return {
    metadata: { creationTimestamp: null, labels: t.labels },
    spec: {
      ...(t.volumes ? { volumes: t.volumes } : {}),
      containers: t.containers.map((c) => container(c)),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
  };
}

const condition = (type: string, status: boolean, reason: string, message: string, updatedAgo: number, changedAgo: number) => ({
  type,
  status: status ? 'True' : 'False',
  lastUpdateTime: at(updatedAgo),
  lastTransitionTime: at(changedAgo),
  reason,
  message,
});
export { condition as deploymentCondition };

export interface ReplicaSetOpts {
  name: string;
  namespace: string;
  deployment: string;
  hash: string;
  replicas: number;
  ready: number;
  revision: number;
  template: TemplateOpts;
  createdMinutesAgo: number;
}

export function replicaSet(r: ReplicaSetOpts): Json {
  const labels = { ...r.template.labels, 'pod-template-hash': r.hash };
  return {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: meta(r.name, r.namespace, r.createdMinutesAgo, {
      generation: 1 + r.revision,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(r.replicas),
        'deployment.kubernetes.io/max-replicas': String(r.replicas + 1),
        'deployment.kubernetes.io/revision': String(r.revision),
      },
      ownerReferences: [ownerRef('apps/v1', 'Deployment', r.deployment, r.namespace)],
    }),
    spec: {
      replicas: r.replicas,
      selector: { matchLabels: { app: r.template.labels.app, 'pod-template-hash': r.hash } },
      template: podTemplate({ ...r.template, labels }),
    },
    status: {
      replicas: r.replicas,
      ...(r.replicas > 0 ? { fullyLabeledReplicas: r.replicas } : {}),
      ...(r.ready > 0 ? { readyReplicas: r.ready, availableReplicas: r.ready } : {}),
      observedGeneration: 1 + r.revision,
    },
  };
}

export interface DeploymentOpts {
  name: string;
  namespace: string;
  replicas: number;
  revision: number;
  template: TemplateOpts;
  createdMinutesAgo: number;
  status: Json;
}

export function deployment(d: DeploymentOpts): Json {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: meta(d.name, d.namespace, d.createdMinutesAgo, {
      generation: d.revision + 1,
      labels: { app: d.template.labels.app },
      annotations: { 'deployment.kubernetes.io/revision': String(d.revision) },
    }),
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { app: d.template.labels.app } },
      template: podTemplate(d.template),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: { observedGeneration: d.revision + 1, ...d.status },
  };
}

/** The status of a Deployment whose pods are all available. */
export function availableStatus(replicas: number, rs: string, ago: number): Json {
  return {
    ...(replicas > 0 ? { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas } : {}),
    conditions: [
      condition('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.', ago, ago),
      condition('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`, ago, ago + 30),
    ],
  };
}
