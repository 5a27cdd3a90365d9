import { parseTable } from './describe-tree.js';
import { eventAge } from './describe-values.js';

/**
 * The `kubectl get events` table: `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`, with a leading
 * NAMESPACE column under `-A`, and the extra columns of `-o wide` (SUBOBJECT, SOURCE, FIRST SEEN,
 * COUNT, NAME) when present → core/v1 Events.
 */
type Raw = Record<string, unknown>;

const HEADER = /^(NAMESPACE\s+)?LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s/;

export const looksLikeEventsTable = (text: string): boolean => HEADER.test(text.trimStart().split(/\r?\n/, 1)[0] ?? '');

const KIND_OF_RESOURCE: Record<string, string> = {
  pod: 'Pod', deployment: 'Deployment', replicaset: 'ReplicaSet', statefulset: 'StatefulSet', daemonset: 'DaemonSet',
  job: 'Job', cronjob: 'CronJob', service: 'Service', endpoints: 'Endpoints', node: 'Node', namespace: 'Namespace',
  persistentvolumeclaim: 'PersistentVolumeClaim', persistentvolume: 'PersistentVolume', ingress: 'Ingress',
  horizontalpodautoscaler: 'HorizontalPodAutoscaler', configmap: 'ConfigMap', secret: 'Secret',
};

const API_VERSION_OF: Record<string, string> = {
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1',
  Ingress: 'networking.k8s.io/v1', HorizontalPodAutoscaler: 'autoscaling/v2',
};

/** `pod/auth-service-x2k4p` → kind and name (the resource may carry a group: `job.batch/x`). */
function objectRef(object: string): { kind: string; name: string } {
  const i = object.indexOf('/');
  if (i < 0) return { kind: '', name: object };
  const resource = object.slice(0, i).split('.')[0]!.toLowerCase();
  return { kind: KIND_OF_RESOURCE[resource] ?? resource, name: object.slice(i + 1) };
}

export function parseEventsTable(text: string, defaultNamespace: string | undefined, now: Date = new Date()): Raw[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => HEADER.test(l));
  return parseTable(lines.slice(Math.max(start, 0)))
    .filter((r) => r.TYPE && r.REASON)
    .map((r) => {
      const { kind, name } = objectRef(r.OBJECT ?? '');
      const namespace = r.NAMESPACE || defaultNamespace;
      const last = eventAge(r['LAST SEEN'] ?? '', now);
      const first = r['FIRST SEEN'] ? eventAge(r['FIRST SEEN'], now) : undefined;
      const count = r.COUNT && /^\d+$/.test(r.COUNT) ? Number(r.COUNT) : last.count;
      const [component, host] = (r.SOURCE ?? '').split(',').map((s) => s.trim());
      return {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { ...(r.NAME ? { name: r.NAME } : {}), ...(namespace ? { namespace } : {}) },
        involvedObject: {
          kind, name,
          ...(namespace && kind !== 'Node' ? { namespace } : {}),
          ...(API_VERSION_OF[kind] ? { apiVersion: API_VERSION_OF[kind] } : { apiVersion: 'v1' }),
          ...(r.SUBOBJECT ? { fieldPath: r.SUBOBJECT } : {}),
        },
        type: r.TYPE,
        reason: r.REASON,
        message: r.MESSAGE ?? '',
        ...(component ? { source: { component, ...(host ? { host } : {}) } } : {}),
        count,
        firstTimestamp: first?.lastTimestamp ?? last.firstTimestamp,
        lastTimestamp: last.lastTimestamp,
        eventTime: null,
      };
    });
}
