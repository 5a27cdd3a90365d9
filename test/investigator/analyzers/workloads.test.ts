import { describe, expect, it } from 'vitest';
import { loadDiagnosisCorpus, snapshotFromYaml } from '../../fixtures/diagnosis/corpus.js';
import { runOne, types } from './helpers.js';

const corpus = new Map(loadDiagnosisCorpus().map((c) => [c.name, c]));
const fromCorpus = (name: string) => corpus.get(name)!.snapshot;

/** Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob and ResourceQuota analyzers, one table. */
interface Row {
  name: string;
  kind: string;
  snapshot: () => ReturnType<typeof snapshotFromYaml>;
  expected: string[];
  mentions?: string;
}

const deployment = (status: string, replicas = 2) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: t}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "nginx:1.25"}]}}
status:
${status}`;

const ROWS: Row[] = [
  { name: 'Deployment: progress deadline exceeded', kind: 'Deployment', snapshot: () => fromCorpus('rollout-stuck-progress-deadline'), expected: ['rollout_stuck'], mentions: 'timed out progressing' },
  { name: 'Deployment: quota in ReplicaFailure is left to the ResourceQuota analyzer when the RS says it (only the shortfall remains)', kind: 'Deployment', snapshot: () => fromCorpus('resource-quota-exceeded'), expected: ['rollout_stuck'], mentions: '3/4' },
  { name: 'Deployment: available replicas short → weak rollout_stuck', kind: 'Deployment', snapshot: () => snapshotFromYaml(deployment('  replicas: 2\n  availableReplicas: 1')), expected: ['rollout_stuck'], mentions: '1/2' },
  { name: 'Deployment: healthy → nothing', kind: 'Deployment', snapshot: () => snapshotFromYaml(deployment('  replicas: 2\n  availableReplicas: 2\n  conditions: [{type: Progressing, status: "True", reason: NewReplicaSetAvailable}]')), expected: [] },
  { name: 'Deployment: scaled to zero → nothing', kind: 'Deployment', snapshot: () => snapshotFromYaml(deployment('  replicas: 0', 0)), expected: [] },
  { name: 'ResourceQuota: FailedCreate exceeded quota on the ReplicaSet', kind: 'ResourceQuota', snapshot: () => fromCorpus('resource-quota-exceeded'), expected: ['resource_quota_exceeded'], mentions: 'limited requests.memory=8Gi' },
  {
    name: 'ReplicaSet: service account missing',
    kind: 'ReplicaSet',
    snapshot: () => snapshotFromYaml(`
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: api-5d4c3b2a1, namespace: t}
spec: {replicas: 1, selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {serviceAccountName: api-sa, containers: [{name: api, image: x}]}}}
status: {replicas: 0}
---
apiVersion: v1
kind: Event
metadata: {name: e, namespace: t}
involvedObject: {kind: ReplicaSet, name: api-5d4c3b2a1, namespace: t}
reason: FailedCreate
type: Warning
message: 'Error creating: pods "api-5d4c3b2a1-" is forbidden: error looking up service account t/api-sa: serviceaccount "api-sa" not found'
`),
    expected: ['container_config_error'],
    mentions: 'api-sa',
  },
  {
    name: 'StatefulSet: claim template with a missing storage class',
    kind: 'StatefulSet',
    snapshot: () => snapshotFromYaml(`
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: t}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: "postgres:16"}]}}
  volumeClaimTemplates: [{metadata: {name: data}, spec: {storageClassName: ultra, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}]
status: {replicas: 1, readyReplicas: 1}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: t}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
`, { include: ['base/nodes.yaml'] }),
    expected: ['pvc_provisioning_failure'],
    mentions: 'ultra',
  },
  {
    name: 'DaemonSet: not ready on every node',
    kind: 'DaemonSet',
    snapshot: () => snapshotFromYaml(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: t}
spec: {selector: {matchLabels: {app: ne}}, template: {metadata: {labels: {app: ne}}, spec: {containers: [{name: ne, image: x}]}}}
status: {desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, numberMisscheduled: 0, numberUnavailable: 1}
`),
    expected: ['rollout_stuck'],
    mentions: '2/3',
  },
  { name: 'Job: backoff limit exceeded', kind: 'Job', snapshot: () => fromCorpus('job-failed-backoff-limit'), expected: ['job_failed'], mentions: 'BackoffLimitExceeded' },
  { name: 'Job: succeeded after retries → nothing (k8sgpt false positive)', kind: 'Job', snapshot: () => fromCorpus('false-positive-job-succeeded-after-retries'), expected: [] },
  {
    name: 'Job: failed run of a CronJob followed by a successful one → nothing',
    kind: 'Job',
    snapshot: () => snapshotFromYaml(`
apiVersion: batch/v1
kind: Job
metadata: {name: report-1, namespace: t, ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: report, uid: u1, controller: true}]}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: r, image: x}]}}}
status: {startTime: "2025-03-14T01:00:00Z", failed: 1, conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: report-2, namespace: t, ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: report, uid: u1, controller: true}]}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: r, image: x}]}}}
status: {startTime: "2025-03-14T02:00:00Z", succeeded: 1, conditions: [{type: Complete, status: "True"}]}
`),
    expected: [],
  },
  {
    name: 'CronJob: invalid schedule',
    kind: 'CronJob',
    snapshot: () => snapshotFromYaml(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup, namespace: t}
spec: {schedule: "*/5 * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}
`),
    expected: ['missing_configuration'],
    mentions: '*/5 * * *',
  },
  {
    name: 'CronJob: valid schedule → nothing',
    kind: 'CronJob',
    snapshot: () => snapshotFromYaml(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup, namespace: t}
spec: {schedule: "30 2 * * 1-5", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}
`),
    expected: [],
  },
];

describe('workload analyzers', () => {
  it.each(ROWS)('$name', (row) => {
    const findings = runOne(row.kind, row.snapshot());
    expect(types(findings)).toEqual(row.expected);
    if (row.mentions) expect(findings[0]!.summary).toContain(row.mentions);
  });
});
