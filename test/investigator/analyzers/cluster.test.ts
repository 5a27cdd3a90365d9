import { describe, expect, it } from 'vitest';
import { loadDiagnosisCorpus, snapshotFromYaml } from '../../fixtures/diagnosis/corpus.js';
import { runOne, types } from './helpers.js';

const corpus = new Map(loadDiagnosisCorpus().map((c) => [c.name, c]));
const fromCorpus = (name: string) => corpus.get(name)!.snapshot;

/** Service (+Endpoints), Ingress, PVC, Node and HPA analyzers, one table. */
const ROWS: { name: string; kind: string; snapshot: () => ReturnType<typeof snapshotFromYaml>; expected: string[]; mentions?: string }[] = [
  { name: 'Service: selector matches nothing', kind: 'Service', snapshot: () => fromCorpus('service-selector-typo'), expected: ['service_no_endpoints'], mentions: 'app=web-frontend' },
  { name: 'Service: backing StatefulSet scaled to 0', kind: 'Service', snapshot: () => fromCorpus('init-waits-for-service-without-endpoints'), expected: ['service_no_endpoints'], mentions: 'statefulset rabbitmq is scaled to 0' },
  { name: 'Service: healthy endpoints → nothing', kind: 'Service', snapshot: () => fromCorpus('healthy-deployment'), expected: [] },
  { name: 'Ingress: TLS secret missing', kind: 'Ingress', snapshot: () => fromCorpus('ingress-tls-secret-missing'), expected: ['tls_certificate_error'], mentions: 'shop-example-com-tls' },
  {
    name: 'Ingress: backend service missing, no IngressClass',
    kind: 'Ingress',
    snapshot: () => snapshotFromYaml(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: docs, namespace: t}
spec:
  rules: [{host: docs.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: docs-site, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: t}
spec: {clusterIP: 10.0.0.1, selector: {app: other}, ports: [{port: 80}]}
`),
    expected: ['service_no_endpoints', 'missing_configuration'],
    mentions: 'docs-site',
  },
  { name: 'PVC: ProvisioningFailed (storage class not found)', kind: 'PersistentVolumeClaim', snapshot: () => fromCorpus('pvc-provisioning-explains-pending-pod'), expected: ['pvc_provisioning_failure'], mentions: 'io2-fast' },
  { name: 'PVC: Bound → nothing', kind: 'PersistentVolumeClaim', snapshot: () => fromCorpus('permission-denied-node-eacces'), expected: [] },
  {
    name: 'PVC: no storage class and no default class',
    kind: 'PersistentVolumeClaim',
    snapshot: () => snapshotFromYaml(`
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: scratch, namespace: t}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
status: {phase: Pending}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard}
provisioner: kubernetes.io/no-provisioner
`),
    expected: ['pvc_provisioning_failure'],
    mentions: 'no default StorageClass',
  },
  {
    name: 'PVC: WaitForFirstConsumer → nothing',
    kind: 'PersistentVolumeClaim',
    snapshot: () => snapshotFromYaml(`
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: t}
spec: {storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
status: {phase: Pending}
---
apiVersion: v1
kind: Event
metadata: {name: e, namespace: t}
involvedObject: {kind: PersistentVolumeClaim, name: data, namespace: t}
reason: WaitForFirstConsumer
type: Normal
message: waiting for first consumer to be created before binding
`, { include: ['base/nodes.yaml'] }),
    expected: [],
  },
  { name: 'Node: NotReady (kubelet stopped posting)', kind: 'Node', snapshot: () => fromCorpus('node-not-ready-explains-pods'), expected: ['node_not_ready'], mentions: 'Kubelet stopped posting node status' },
  { name: 'Node: healthy conditions → nothing (k8sgpt false positive)', kind: 'Node', snapshot: () => fromCorpus('false-positive-healthy-node'), expected: [] },
  {
    name: 'Node: DiskPressure while Ready',
    kind: 'Node',
    snapshot: () => snapshotFromYaml(`
apiVersion: v1
kind: Node
metadata: {name: n9}
status:
  conditions:
  - {type: DiskPressure, status: "True", reason: KubeletHasDiskPressure, message: kubelet has disk pressure}
  - {type: Ready, status: "True", reason: KubeletReady}
`),
    expected: ['node_not_ready'],
    mentions: 'DiskPressure',
  },
  { name: 'HPA: ScalingActive False (metrics API missing)', kind: 'HorizontalPodAutoscaler', snapshot: () => fromCorpus('hpa-metrics-unavailable'), expected: ['hpa_not_scaling'], mentions: 'cannot fetch metrics' },
  {
    name: 'HPA: at max replicas and limited',
    kind: 'HorizontalPodAutoscaler',
    snapshot: () => snapshotFromYaml(`
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: t}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 5}
status:
  currentReplicas: 5
  desiredReplicas: 5
  conditions:
  - {type: AbleToScale, status: "True", reason: ReadyForNewScale}
  - {type: ScalingActive, status: "True", reason: ValidMetricFound}
  - {type: ScalingLimited, status: "True", reason: TooManyReplicas, message: the desired replica count is more than the maximum replica count}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: t}
spec: {replicas: 5, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: x}]}}}
`),
    expected: ['hpa_not_scaling'],
    mentions: 'maximum of 5',
  },
];

describe('cluster analyzers', () => {
  it.each(ROWS)('$name', (row) => {
    const findings = runOne(row.kind, row.snapshot());
    expect(types(findings)).toEqual(row.expected);
    if (row.mentions) expect(findings[0]!.summary).toContain(row.mentions);
    for (const f of findings) for (const cmd of f.remediation.verification) expect(cmd).not.toMatch(/\b(delete|scale|apply|patch|edit|rollout (undo|restart)|cordon|drain)\b/);
  });
});
