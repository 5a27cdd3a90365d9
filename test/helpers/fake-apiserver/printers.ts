/**
 * Server-side table rows of the kinds besides pods and events, as kubernetes/kubernetes
 * pkg/printers/internalversion/printers.go (1.30 → 1.32) prints them: the column definitions
 * (priority 1 = shown only by `-o wide`) and the cells of each. Cells are what the printer
 * computes from the object; nothing here knows what Syntra reads.
 */
type Raw = Record<string, any>;

/** `age(t)`: the time since t (AGE, LAST SCHEDULE); `span(ms)`: a duration (a finished job's DURATION). */
export interface Clock {
  age: (t: unknown) => string;
  span: (ms: number) => string;
}

export interface Printer {
  columns: { name: string; priority: number }[];
  row: (o: Raw, clock: Clock) => unknown[];
}

const cols = (names: string, wide = ''): Printer['columns'] => [
  ...names.split(',').map((name) => ({ name, priority: 0 })),
  ...(wide ? wide.split(',').map((name) => ({ name, priority: 1 })) : []),
];

const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
const created = (o: Raw) => o.metadata?.creationTimestamp;

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`, `<none>` for the empty selector. */
export function formatSelector(sel: Raw | undefined): string {
  if (!sel) return '<none>';
  const terms = [
    ...Object.entries((sel.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`),
    ...((sel.matchExpressions ?? []) as Raw[]).map((e) => (e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${String(e.operator).toLowerCase()} (${(e.values ?? []).join(',')})`)),
  ];
  return terms.length > 0 ? terms.join(',') : '<none>';
}

/** labels.FormatLabels: `a=b,c=d`, `<none>` when empty. */
const formatMap = (m: Record<string, string> | undefined): string => (m && Object.keys(m).length > 0 ? Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',') : '<none>');

/** layoutContainerCells: the template's container names and images, comma-joined. */
const containers = (spec: Raw | undefined): [string, string] => {
  const cs = (spec?.containers ?? []) as Raw[];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
};

const condition = (o: Raw, type: string) => ((o.status?.conditions ?? []) as Raw[]).find((c) => c.type === type)?.status === 'True';

const ACCESS = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' } as Record<string, string>;
const accessModes = (modes: string[] | undefined) => (modes ?? []).map((m) => ACCESS[m] ?? m).join(',');

/** printService's ports: `80/TCP`, `80:30080/TCP`, `<none>`. */
const servicePorts = (ports: Raw[] | undefined) =>
  (ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';

function externalIP(svc: Raw): string {
  const ingress = ((svc.status?.loadBalancer?.ingress ?? []) as Raw[]).map((i) => i.ip ?? i.hostname).filter(Boolean);
  const external = [...((svc.spec?.externalIPs ?? []) as string[])];
  if (svc.spec?.type === 'LoadBalancer') return [...ingress, ...external].join(',') || '<pending>';
  if (svc.spec?.type === 'ExternalName') return svc.spec.externalName;
  return external.join(',') || '<none>';
}

/** formatEndpoints: up to three `ip:port`, then ` + N more...`. */
function endpoints(ep: Raw): string {
  const all = ((ep.subsets ?? []) as Raw[]).flatMap((s) => ((s.addresses ?? []) as Raw[]).flatMap((a) => ((s.ports ?? [{}]) as Raw[]).map((p) => (p.port ? `${a.ip}:${p.port}` : a.ip))));
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

/** printJob's STATUS (1.30+). */
function jobStatus(o: Raw): string {
  if (condition(o, 'Complete')) return 'Complete';
  if (condition(o, 'Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (condition(o, 'Suspended')) return 'Suspended';
  if (condition(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** resourcequota: `name: used/hard`, sorted, requests and limits apart. */
function quotaCells(o: Raw, which: 'requests' | 'limits'): string {
  const hard = (o.status?.hard ?? {}) as Record<string, string>;
  const used = (o.status?.used ?? {}) as Record<string, string>;
  return Object.keys(hard).sort().filter((k) => (which === 'limits' ? k.startsWith('limits.') : !k.startsWith('limits.'))).map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`).join(', ');
}

export const PRINTERS: Record<string, Printer> = {
  Deployment: {
    columns: cols('Name,Ready,Up-to-date,Available,Age', 'Containers,Images,Selector'),
    row: (o, { age }) => [o.metadata.name, `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}`, n(o.status?.updatedReplicas), n(o.status?.availableReplicas), age(created(o)), ...containers(o.spec?.template?.spec), formatSelector(o.spec?.selector)],
  },
  ReplicaSet: {
    columns: cols('Name,Desired,Current,Ready,Age', 'Containers,Images,Selector'),
    row: (o, { age }) => [o.metadata.name, n(o.spec?.replicas), n(o.status?.replicas), n(o.status?.readyReplicas), age(created(o)), ...containers(o.spec?.template?.spec), formatSelector(o.spec?.selector)],
  },
  DaemonSet: {
    columns: cols('Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age', 'Containers,Images,Selector'),
    row: (o, { age }) => {
      const s = o.status ?? {};
      return [o.metadata.name, n(s.desiredNumberScheduled), n(s.currentNumberScheduled), n(s.numberReady), n(s.updatedNumberScheduled), n(s.numberAvailable), formatMap(o.spec?.template?.spec?.nodeSelector), age(created(o)), ...containers(o.spec?.template?.spec), formatSelector(o.spec?.selector)];
    },
  },
  StatefulSet: {
    columns: cols('Name,Ready,Age', 'Containers,Images'),
    row: (o, { age }) => [o.metadata.name, `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}`, age(created(o)), ...containers(o.spec?.template?.spec)],
  },
  Job: {
    columns: cols('Name,Status,Completions,Duration,Age', 'Containers,Images,Selector'),
    row: (o, { age, span }) => {
      const completions = o.spec?.completions !== undefined ? `${n(o.status?.succeeded)}/${o.spec.completions}` : `${n(o.status?.succeeded)}/1`;
      const start = o.status?.startTime;
      const end = o.status?.completionTime;
      const duration = !start ? '' : end ? span(Date.parse(end) - Date.parse(start)) : age(start);
      return [o.metadata.name, jobStatus(o), completions, duration, age(created(o)), ...containers(o.spec?.template?.spec), formatSelector(o.spec?.selector)];
    },
  },
  CronJob: {
    columns: cols('Name,Schedule,Timezone,Suspend,Active,Last Schedule,Age', 'Containers,Images,Selector'),
    row: (o, { age }) => [o.metadata.name, o.spec?.schedule, o.spec?.timeZone ?? '<none>', o.spec?.suspend ? 'True' : 'False', (o.status?.active ?? []).length, o.status?.lastScheduleTime ? age(o.status.lastScheduleTime) : '<none>', age(created(o)), ...containers(o.spec?.jobTemplate?.spec?.template?.spec), formatSelector(o.spec?.jobTemplate?.spec?.selector)],
  },
  Service: {
    columns: cols('Name,Type,Cluster-IP,External-IP,Port(s),Age', 'Selector'),
    row: (o, { age }) => [o.metadata.name, o.spec?.type ?? 'ClusterIP', o.spec?.clusterIP ?? '<none>', externalIP(o), servicePorts(o.spec?.ports), age(created(o)), formatMap(o.spec?.selector)],
  },
  Endpoints: {
    columns: cols('Name,Endpoints,Age'),
    row: (o, { age }) => [o.metadata.name, endpoints(o), age(created(o))],
  },
  Ingress: {
    columns: cols('Name,Class,Hosts,Address,Ports,Age'),
    row: (o, { age }) => {
      const hosts = ((o.spec?.rules ?? []) as Raw[]).map((r) => r.host).filter(Boolean);
      const address = ((o.status?.loadBalancer?.ingress ?? []) as Raw[]).map((i) => i.ip ?? i.hostname).join(',');
      return [o.metadata.name, o.spec?.ingressClassName ?? '<none>', hosts.join(',') || '*', address, (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80', age(created(o))];
    },
  },
  NetworkPolicy: {
    columns: cols('Name,Pod-Selector,Age'),
    row: (o, { age }) => [o.metadata.name, formatSelector(o.spec?.podSelector).replace('<none>', ''), age(created(o))],
  },
  PersistentVolumeClaim: {
    columns: cols('Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age', 'VolumeMode'),
    row: (o, { age }) => [o.metadata.name, o.status?.phase ?? 'Pending', o.spec?.volumeName ?? '', o.status?.capacity?.storage ?? '', accessModes(o.status?.accessModes), o.spec?.storageClassName ?? '', o.spec?.volumeAttributesClassName ?? '<unset>', age(created(o)), o.spec?.volumeMode ?? '<unset>'],
  },
  PersistentVolume: {
    columns: cols('Name,Capacity,Access Modes,Reclaim Policy,Status,Claim,StorageClass,VolumeAttributesClass,Reason,Age', 'VolumeMode'),
    row: (o, { age }) => {
      const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '';
      return [o.metadata.name, o.spec?.capacity?.storage ?? '', accessModes(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? '', o.status?.phase ?? '', claim, o.spec?.storageClassName ?? '', o.spec?.volumeAttributesClassName ?? '<unset>', o.status?.reason ?? '', age(created(o)), o.spec?.volumeMode ?? '<unset>'];
    },
  },
  StorageClass: {
    columns: cols('Name,Provisioner,ReclaimPolicy,VolumeBindingMode,AllowVolumeExpansion,Age'),
    row: (o, { age }) => {
      const isDefault = o.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
      return [`${o.metadata.name}${isDefault ? ' (default)' : ''}`, o.provisioner, o.reclaimPolicy ?? 'Delete', o.volumeBindingMode ?? 'Immediate', String(o.allowVolumeExpansion ?? false), age(created(o))];
    },
  },
  ConfigMap: {
    columns: cols('Name,Data,Age'),
    row: (o, { age }) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(created(o))],
  },
  Secret: {
    columns: cols('Name,Type,Data,Age'),
    row: (o, { age }) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age(created(o))],
  },
  ResourceQuota: {
    columns: cols('Name,Age,Request,Limit'),
    row: (o, { age }) => [o.metadata.name, age(created(o)), quotaCells(o, 'requests'), quotaCells(o, 'limits')],
  },
};
