/**
 * What the loopback API server serves, written as kube-apiserver answers it rather than derived
 * from Syntra's kind table (the server must be able to disagree with the client): the REST
 * resources per group version, the discovery documents clients read before they list
 * (`/api`, `/api/v1`, `/apis`, `/apis/{group}/{version}`), the field selectors each resource
 * supports, and events.k8s.io/v1 Events made from the stored core Events as the API server does.
 */
type Raw = Record<string, any>;

export interface ServedResource {
  /** REST name (plural), as in `/api/v1/namespaces/{ns}/pods`. */
  name: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Which stored kind it reads (events.k8s.io Events are the stored core Events). */
  storedKind?: string;
  /** Field selectors beyond `metadata.name` (and `metadata.namespace` when namespaced). */
  fields?: string[];
  subresources?: string[];
  /** `all` for the kinds `kubectl get all` lists (kube-apiserver's REST storage declares them). */
  categories?: string[];
}

/** The resources in the `all` category (their REST storage in pkg/registry declares it). */
const ALL = new Set(['pods', 'services', 'replicationcontrollers', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'horizontalpodautoscalers']);
const categorised = (r: ServedResource): ServedResource => (ALL.has(r.name) && !r.storedKind ? { ...r, categories: ['all'] } : r);
const core = (name: string, kind: string, namespaced: boolean, extra: Partial<ServedResource> = {}): ServedResource => categorised({ name, kind, group: '', version: 'v1', namespaced, ...extra });
const grouped = (group: string, version: string, name: string, kind: string, namespaced: boolean, extra: Partial<ServedResource> = {}): ServedResource => categorised({ name, kind, group, version, namespaced, ...extra });

const CORE_EVENT_FIELDS = ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'];
const EVENTS_V1_FIELDS = ['regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'regarding.apiVersion', 'regarding.resourceVersion', 'regarding.fieldPath', 'reason', 'reportingController', 'type'];

/** The resources of a v1.29 cluster that the tests need, with kube-apiserver's field selectors. */
export const SERVED: readonly ServedResource[] = [
  core('pods', 'Pod', true, { shortNames: ['po'], subresources: ['log'], fields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'] }),
  core('services', 'Service', true, { shortNames: ['svc'] }),
  core('endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  core('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  core('secrets', 'Secret', true, { fields: ['type'] }),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'] }),
  core('resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'] }),
  core('limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  core('events', 'Event', true, { shortNames: ['ev'], fields: CORE_EVENT_FIELDS }),
  core('replicationcontrollers', 'ReplicationController', true, { shortNames: ['rc'], fields: ['status.replicas'] }),
  core('nodes', 'Node', false, { shortNames: ['no'], fields: ['spec.unschedulable'] }),
  core('persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'] }),
  core('namespaces', 'Namespace', false, { shortNames: ['ns'], fields: ['status.phase'] }),
  grouped('apps', 'v1', 'deployments', 'Deployment', true, { shortNames: ['deploy'] }),
  grouped('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], fields: ['status.replicas'] }),
  grouped('apps', 'v1', 'statefulsets', 'StatefulSet', true, { shortNames: ['sts'] }),
  grouped('apps', 'v1', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'] }),
  grouped('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  grouped('batch', 'v1', 'jobs', 'Job', true, { fields: ['status.successful'] }),
  grouped('batch', 'v1', 'cronjobs', 'CronJob', true, { shortNames: ['cj'] }),
  grouped('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, { shortNames: ['ing'] }),
  grouped('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  grouped('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
  grouped('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, { shortNames: ['sc'] }),
  grouped('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, { shortNames: ['hpa'] }),
  grouped('events.k8s.io', 'v1', 'events', 'Event', true, { shortNames: ['ev'], storedKind: 'Event', fields: EVENTS_V1_FIELDS }),
];

export const groupVersionOf = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);

/** Where a field selector label reads its value (most are the same path). */
export const fieldPathOf = (label: string) => (label === 'source' ? 'source.component' : label);

export const selectableFields = (r: ServedResource) => ['metadata.name', ...(r.namespaced ? ['metadata.namespace'] : []), ...(r.fields ?? [])];

const VERBS = ['get', 'list', 'watch'];

/** `/api/v1` or `/apis/{group}/{version}`: the APIResourceList clients discover kinds from. */
export function resourceList(served: readonly ServedResource[], groupVersion: string): Raw | undefined {
  const here = served.filter((r) => groupVersionOf(r) === groupVersion);
  if (here.length === 0) return undefined;
  const resources = here.flatMap((r) => [
    { name: r.name, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: VERBS, ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}) },
    ...(r.subresources ?? []).map((s) => ({ name: `${r.name}/${s}`, singularName: '', namespaced: r.namespaced, kind: s === 'log' ? 'Pod' : r.kind, verbs: ['get'] })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** `/apis`: every group with its served versions, the first one preferred. */
export function groupList(served: readonly ServedResource[]): Raw {
  const versions = new Map<string, string[]>();
  for (const r of served) {
    if (!r.group) continue;
    const list = versions.get(r.group) ?? [];
    if (!list.includes(r.version)) list.push(r.version);
    versions.set(r.group, list);
  }
  const groups = [...versions].map(([name, vs]) => ({
    name,
    versions: vs.map((version) => ({ groupVersion: `${name}/${version}`, version })),
    preferredVersion: { groupVersion: `${name}/${vs[0]}`, version: vs[0] },
  }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

const omitEmpty = (o: Raw): Raw => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && v !== null));

/**
 * A stored core/v1 Event as `events.k8s.io/v1` serves it (the API server's conversion:
 * involvedObject → regarding, message → note, the old timestamps and source → `deprecated*`;
 * empty `reportingController`/`reportingInstance` are omitted).
 */
export function coreEventToEventsV1(ev: Raw): Raw {
  return {
    eventTime: ev.eventTime ?? null,
    ...omitEmpty({
    metadata: ev.metadata,
    series: ev.series,
    reportingController: ev.reportingComponent,
    reportingInstance: ev.reportingInstance,
    action: ev.action,
    reason: ev.reason,
    regarding: ev.involvedObject,
    related: ev.related,
    note: ev.message,
    type: ev.type,
    deprecatedSource: ev.source,
    deprecatedFirstTimestamp: ev.firstTimestamp,
    deprecatedLastTimestamp: ev.lastTimestamp,
    deprecatedCount: ev.count,
    }),
  };
}
