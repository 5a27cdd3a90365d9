import { kindOf, resolveKind } from '../../cluster/kinds.js';
import { parseTable } from './describe-tree.js';
import { accessModes, present } from './describe-values.js';
import { ENDED_BY_KUBELET, REJECTED, TERMINATED, WAITING, terminatedState } from './status-reasons.js';

/**
 * `kubectl get` tables (pods, nodes, deployments, replicasets, statefulsets, daemonsets, jobs,
 * services, endpoints, pvcs, pvs, storage classes, hpas, ingresses, configmaps, secrets; `-A`, `-o wide`, `kubectl get all` with
 * `kind/name` in the NAME column), with or without their header line → partial objects.
 * A table shows less than the object: what it shows is kept, nothing is invented, and each
 * object is marked as read from a table so analyzers know its status is a summary.
 */
type Raw = Record<string, unknown>;

export const TABLE_ANNOTATION = 'syntra.dev/evidence';
/**
 * kubectl prints `Terminating` for a pod whose deletion the kubelet has not confirmed yet; text
 * shows that state without the deletion timestamp behind it, so the parsers mark it instead.
 */
export const TERMINATING_ANNOTATION = 'syntra.dev/terminating';

/** NAME READY STATUS RESTARTS AGE — the columns that make a row a pod row, header or not. */
// AGE may be missing: a row copied up to its RESTARTS column ends there.
const POD_ROW = /^\s*(?:([a-z0-9][a-z0-9.-]*)\s+)?((?:pod\/)?[a-z0-9][a-z0-9.-]*)\s+(\d+\/\d+)\s+([A-Za-z][\w:/-]*)\s+(\d+(?:\s+\([^)]*\))?)(?:\s+(\S+)(?:\s+(\S+)\s+(\S+))?|\s*$)/;

export const isPodRow = (line: string): boolean => POD_ROW.test(line) && !/^\s*NAME\s/.test(line);

type Row = Record<string, string>;

function kindOfTable(header: string[], rows: Row[], command: string | undefined): string | undefined {
  const has = (...cols: string[]) => cols.every((c) => header.includes(c));
  const prefixed = rows.map((r) => /^([a-z.]+)\//.exec(r.NAME ?? '')?.[1]).find(Boolean);
  if (prefixed) return resolveKind(prefixed);
  const fromCommand = /\bget\s+([a-z.,]+)/.exec(command ?? '')?.[1]?.split(',')[0];
  if (fromCommand && kindOf(fromCommand) && fromCommand !== 'all') return resolveKind(fromCommand);
  if (has('READY', 'STATUS', 'RESTARTS')) return 'Pod';
  if (has('STATUS', 'ROLES', 'VERSION')) return 'Node';
  // Before 1.8 `kubectl get nodes` had no ROLES column (NAME STATUS AGE [VERSION]).
  if (has('STATUS', 'AGE') && header.length <= 4 && rows.length > 0 && rows.every((r) => /^(?:Not)?Ready(?:,|$)|^Unknown$/.test(r.STATUS ?? ''))) return 'Node';
  // Before 1.11 (client-side printing) the column was NODE-SELECTOR, and before 1.6 the only new one.
  if (has('UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR') || has('NODE-SELECTOR')) return 'DaemonSet';
  if (has('READY', 'UP-TO-DATE', 'AVAILABLE')) return 'Deployment';
  if (has('DESIRED', 'CURRENT', 'UP-TO-DATE', 'AVAILABLE')) return 'Deployment';
  if (has('DESIRED', 'CURRENT', 'READY')) return 'ReplicaSet';
  // Before 1.8 an HPA printed TARGET and CURRENT apart.
  if (has('REFERENCE', 'TARGETS') || has('REFERENCE', 'MINPODS')) return 'HorizontalPodAutoscaler';
  // Before 1.7 `kubectl get svc` had no TYPE column (NAME CLUSTER-IP EXTERNAL-IP PORT(S) AGE).
  if (has('TYPE', 'CLUSTER-IP') || has('CLUSTER-IP', 'PORT(S)')) return 'Service';
  // `kubectl get secrets` (NAME TYPE DATA AGE) and `kubectl get cm` (NAME DATA AGE): names and key counts.
  if (has('TYPE', 'DATA')) return 'Secret';
  if (has('DATA', 'AGE') && header.length === 3) return 'ConfigMap';
  // `kubectl get endpointslices` (NAME ADDRESSTYPE PORTS ENDPOINTS AGE) says what `get endpoints` would: read as its service's Endpoints.
  if (has('ENDPOINTS')) return 'Endpoints';
  if (has('RECLAIM POLICY') || has('CLAIM', 'CAPACITY')) return 'PersistentVolume';
  if (has('STATUS', 'VOLUME', 'CAPACITY')) return 'PersistentVolumeClaim';
  if (has('COMPLETIONS') || has('DESIRED', 'SUCCESSFUL')) return 'Job';
  if (has('REQUEST', 'LIMIT')) return 'ResourceQuota';
  if (has('SCHEDULE', 'SUSPEND')) return 'CronJob';
  if (has('HOSTS', 'ADDRESS')) return 'Ingress';
  // Before 1.13 a storage class printed only NAME PROVISIONER AGE.
  if (has('PROVISIONER')) return 'StorageClass';
  if (has('READY', 'AGE') && header.length <= 4) return 'StatefulSet';
  return undefined;
}

const fraction = (v: string | undefined): [number, number] | undefined => {
  const m = /^(\d+)\/(\d+)$/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

/** `--show-labels`' LABELS and `-o wide`'s SELECTOR of a service: `a=b,c=d`, `<none>`. */
function labelsOf(cell: string | undefined): Record<string, string> | undefined {
  const pairs = (present(cell) ?? '').split(',').map((p) => /^([^=\s]+)=(\S*)$/.exec(p.trim())).filter((m): m is RegExpExecArray => m !== null);
  return pairs.length > 0 ? Object.fromEntries(pairs.map((m) => [m[1]!, m[2]!])) : undefined;
}

/**
 * `-o wide` of a workload: CONTAINERS and IMAGES (comma-joined, in order) → the template's containers;
 * SELECTOR (matchLabels only: a set-based term is not a label) → the selector.
 */
function wideWorkload(row: Row): Raw {
  const names = (present(row.CONTAINERS) ?? '').split(',').filter((n) => n !== '');
  const images = (present(row.IMAGES) ?? '').split(',');
  const selector = /[()!]| in | notin /.test(row.SELECTOR ?? '') ? undefined : labelsOf(row.SELECTOR);
  return {
    ...(selector ? { selector: { matchLabels: selector } } : {}),
    ...(names.length > 0 ? { template: { spec: { containers: names.map((name, i) => ({ name, image: images[i] ?? '' })) } } } : {}),
  };
}

function meta(row: Row, namespace: string | undefined): Raw {
  const name = (row.NAME ?? '').replace(/^[a-z.]+\//, '');
  const ns = row.NAMESPACE || namespace;
  const labels = labelsOf(row.LABELS);
  return { name, ...(ns ? { namespace: ns } : {}), ...(labels ? { labels } : {}), annotations: { [TABLE_ANNOTATION]: 'kubectl get table', ...(row.STATUS === 'Terminating' ? { [TERMINATING_ANNOTATION]: 'true' } : {}) } };
}

/** A pod row → a pod whose container states are what the STATUS column says (one synthetic container). */
function podFromRow(row: Row, namespace: string | undefined): Raw {
  const status = row.STATUS ?? '';
  const ready = fraction(row.READY) ?? [0, 1];
  const restarts = Number(/^(\d+)/.exec(row.RESTARTS ?? '0')?.[1] ?? 0);
  const init = status.startsWith('Init:');
  const waiting = WAITING.exec(status)?.[1];
  const terminated = TERMINATED.exec(status)?.[1];
  // Unknown / NodeLost: the node stopped reporting, and READY is the last thing it said.
  const lost = status === 'Unknown' || status === 'NodeLost';
  if (lost) ready[0] = 0;
  const phase = lost ? 'Unknown' : status === 'Running' || (ready[0] > 0 && !waiting) ? 'Running' : status === 'Completed' ? 'Succeeded'
    // SchedulingGated (1.27+): printPod's word for a pod held back by its schedulingGates.
    : ['Pending', 'ContainerCreating', 'PodInitializing', 'SchedulingGated'].includes(status) || init || waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull' || waiting === 'CreateContainerConfigError' ? 'Pending'
      : ['Failed', 'Evicted', 'Error', 'OOMKilled', 'ContainerStatusUnknown'].includes(status) || /^(?:ExitCode|Signal):/.test(status) || REJECTED.test(status) || ENDED_BY_KUBELET.test(status) ? 'Failed' : waiting ? 'Running' : undefined;
  const containers = Array.from({ length: Math.max(1, ready[1]) }, (_, i) => ({
    name: ready[1] > 1 ? `container-${i + 1}` : '(container)',
    ready: i < ready[0],
    restartCount: i === 0 ? restarts : 0,
    image: '',
    imageID: '',
    state: i < ready[0] ? { running: {} } : waiting && !init ? { waiting: { reason: waiting } } : terminated && !init ? { terminated: terminatedState(terminated) } : {},
    ...(i === 0 && restarts > 0 && terminated === 'OOMKilled' ? { lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } } : {}),
  }));
  const node = present(row.NODE);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(row, namespace),
    spec: { containers: containers.map((c) => ({ name: c.name })), ...(node ? { nodeName: node } : {}) },
    status: {
      ...(phase ? { phase } : {}),
      ...(status === 'Evicted' || status === 'NodeLost' || REJECTED.test(status) || ENDED_BY_KUBELET.test(status) ? { reason: status } : {}),
      ...(present(row.IP) ? { podIP: row.IP } : {}),
      conditions: [{ type: 'Ready', status: ready[0] === ready[1] && phase === 'Running' ? 'True' : 'False' }, ...(status === 'SchedulingGated' ? [{ type: 'PodScheduled', status: 'False', reason: status }] : [])],
      containerStatuses: init ? [] : containers,
      ...(init ? { initContainerStatuses: [{ name: '(init container)', ready: false, restartCount: restarts, image: '', imageID: '', state: waiting ? { waiting: { reason: waiting } } : terminated ? { terminated: terminatedState(terminated) } : { running: {} } }] } : {}),
    },
  };
}

/**
 * An EndpointSlice row → the Endpoints of its service. The endpointslice controller names a slice
 * `<service>-` plus five generated characters (generateName), and prints addresses without ports
 * (`10.244.0.99,10.244.0.100`, `<unset>` for none) beside PORTS (`80,443`, `<unset>`).
 */
function endpointsFromSlice(row: Row, base: Raw): Raw {
  const meta = base.metadata as Raw;
  const name = String(meta.name).replace(/-[a-z0-9]{5}$/, '');
  const ips = (present(row.ENDPOINTS) ?? '').split(',').map((a) => a.trim().replace(/\s*\+ \d+ more\.\.\.$/, '')).filter((a) => /^[\d.:a-f]+$/.test(a));
  const ports = (present(row.PORTS) ?? '').split(',').map((p) => Number(p.trim())).filter((p) => p > 0);
  return { ...base, metadata: { ...meta, name }, subsets: ips.length > 0 ? [{ addresses: ips.map((ip) => ({ ip })), ports: ports.map((port) => ({ port })) }] : [] };
}

function objectFromRow(kind: string, row: Row, namespace: string | undefined): Raw | undefined {
  const metadata = meta(row, namespace);
  const spec = kindOf(kind);
  if (!spec) return undefined;
  const base = { apiVersion: spec.apiVersion, kind, metadata };
  switch (kind) {
    case 'Pod':
      return podFromRow(row, namespace);
    case 'Node': {
      const status = row.STATUS ?? '';
      const ready = status.split(',')[0];
      return { ...base, spec: { ...(status.includes('SchedulingDisabled') ? { unschedulable: true } : {}) }, status: { conditions: [{ type: 'Ready', status: ready === 'Ready' ? 'True' : ready === 'NotReady' ? 'False' : 'Unknown' }], nodeInfo: { kubeletVersion: row.VERSION ?? '' } } };
    }
    case 'Deployment': {
      const ready = fraction(row.READY);
      const desired = ready?.[1] ?? Number(row.DESIRED ?? 0);
      return { ...base, spec: { replicas: desired, ...wideWorkload(row) }, status: { readyReplicas: ready?.[0] ?? Number(row.CURRENT ?? 0), availableReplicas: Number(row.AVAILABLE ?? ready?.[0] ?? 0), updatedReplicas: Number(row['UP-TO-DATE'] ?? 0) } };
    }
    case 'StatefulSet': {
      const ready = fraction(row.READY) ?? [0, 0];
      return { ...base, spec: { replicas: ready[1], ...wideWorkload(row) }, status: { readyReplicas: ready[0], replicas: ready[1] } };
    }
    case 'ReplicaSet':
      return { ...base, spec: { replicas: Number(row.DESIRED ?? 0), ...wideWorkload(row) }, status: { replicas: Number(row.CURRENT ?? 0), readyReplicas: Number(row.READY ?? 0) } };
    case 'DaemonSet': {
      const nodeSelector = labelsOf(row['NODE SELECTOR'] ?? row['NODE-SELECTOR']);
      const wide = wideWorkload(row) as { template?: { spec: Raw } };
      const template = wide.template || nodeSelector ? { template: { spec: { ...wide.template?.spec, ...(nodeSelector ? { nodeSelector } : {}) } } } : {};
      return { ...base, spec: { ...wide, ...template }, status: { desiredNumberScheduled: Number(row.DESIRED ?? 0), currentNumberScheduled: Number(row.CURRENT ?? 0), numberReady: Number(row.READY ?? 0), numberAvailable: Number(row.AVAILABLE ?? 0), updatedNumberScheduled: Number(row['UP-TO-DATE'] ?? 0), numberMisscheduled: 0 } };
    }
    case 'Service':
      return { ...base, spec: { type: row.TYPE, clusterIP: row['CLUSTER-IP'], ...(labelsOf(row.SELECTOR) ? { selector: labelsOf(row.SELECTOR) } : {}), ports: (row['PORT(S)'] ?? '').split(',').map((p) => /^(\d+)(?::(\d+))?\/(\w+)/.exec(p.trim())).filter((m): m is RegExpExecArray => m !== null).map((m) => ({ port: Number(m[1]), ...(m[2] ? { nodePort: Number(m[2]) } : {}), protocol: m[3] })) } };
    case 'Endpoints': {
      if (row.ADDRESSTYPE !== undefined) return endpointsFromSlice(row, base);
      const addresses = (present(row.ENDPOINTS) ?? '').split(',').map((a) => /^([\d.]+):(\d+)/.exec(a.trim())).filter((m): m is RegExpExecArray => m !== null);
      return { ...base, subsets: addresses.length > 0 ? [{ addresses: addresses.map((m) => ({ ip: m[1] })), ports: [{ port: Number(addresses[0]![2]) }] }] : [] };
    }
    case 'PersistentVolumeClaim':
      return { ...base, spec: { ...(present(row.STORAGECLASS) ? { storageClassName: row.STORAGECLASS } : {}), ...(present(row.VOLUME) ? { volumeName: row.VOLUME } : {}) }, status: { phase: row.STATUS } };
    case 'PersistentVolume': {
      const claim = /^([^/\s]+)\/(\S+)$/.exec(row.CLAIM ?? '');
      return {
        ...base,
        spec: {
          ...(present(row.STORAGECLASS) ? { storageClassName: row.STORAGECLASS } : {}),
          ...(present(row['RECLAIM POLICY'] ?? row.RECLAIMPOLICY) ? { persistentVolumeReclaimPolicy: row['RECLAIM POLICY'] ?? row.RECLAIMPOLICY } : {}),
          ...(present(row.CAPACITY) ? { capacity: { storage: row.CAPACITY } } : {}),
          // ACCESSMODES and RECLAIMPOLICY before 1.9.
          ...(accessModes(row['ACCESS MODES'] ?? row.ACCESSMODES) ? { accessModes: accessModes(row['ACCESS MODES'] ?? row.ACCESSMODES) } : {}),
          ...(claim ? { claimRef: { kind: 'PersistentVolumeClaim', namespace: claim[1], name: claim[2] } } : {}),
        },
        status: { phase: row.STATUS, ...(present(row.REASON) ? { reason: row.REASON } : {}) },
      };
    }
    case 'HorizontalPodAutoscaler': {
      const [refKind, refName] = (row.REFERENCE ?? '').split('/');
      return {
        ...base,
        metadata: { ...metadata, annotations: { ...(metadata.annotations as Raw), 'syntra.dev/table-targets': row.TARGETS ?? (row.TARGET ? `${row.CURRENT ?? '<unknown>'}/${row.TARGET}` : '') } },
        spec: { scaleTargetRef: { kind: refKind, name: refName }, minReplicas: Number(row.MINPODS ?? 1), maxReplicas: Number(row.MAXPODS ?? 0) },
        status: { currentReplicas: Number(row.REPLICAS ?? 0), desiredReplicas: Number(row.REPLICAS ?? 0) },
      };
    }
    case 'Job': {
      // COMPLETIONS `0/1` (1.8+; before, DESIRED and SUCCESSFUL); STATUS (1.30+) is printJob's reading of the conditions.
      const c = fraction(row.COMPLETIONS) ?? (row.DESIRED !== undefined ? [Number(row.SUCCESSFUL ?? 0), Number(row.DESIRED)] : undefined);
      const ended = row.STATUS === 'Failed' || row.STATUS === 'Complete' ? [{ type: row.STATUS, status: 'True' }] : undefined;
      return { ...base, spec: { ...(c ? { completions: c[1] } : {}), ...(row.STATUS === 'Suspended' ? { suspend: true } : {}), ...wideWorkload(row) }, status: { ...(c ? { succeeded: c[0] } : {}), ...(ended ? { conditions: ended } : {}) } };
    }
    case 'CronJob':
      return {
        ...base,
        spec: { ...(present(row.SCHEDULE) ? { schedule: row.SCHEDULE } : {}), ...(row.SUSPEND ? { suspend: row.SUSPEND === 'True' } : {}), ...(present(row.TIMEZONE) ? { timeZone: row.TIMEZONE } : {}) },
        status: {},
      };
    case 'ResourceQuota': {
      // REQUEST and LIMIT: `pods: 7/10, requests.cpu: 1500m/2` (used/hard per resource).
      const cells = `${row.REQUEST ?? ''}, ${row.LIMIT ?? ''}`.split(/,\s*/).map((c) => /^(\S+): (\S+)\/(\S+)$/.exec(c.trim())).filter((m): m is RegExpExecArray => m !== null);
      const hard = Object.fromEntries(cells.map((m) => [m[1]!, m[3]!]));
      return { ...base, spec: { hard }, status: { hard, used: Object.fromEntries(cells.map((m) => [m[1]!, m[2]!])) } };
    }
    case 'StorageClass': {
      // `kubectl get sc` marks the default class after its name: `local-path (default)`.
      const name = (row.NAME ?? '').replace(/\s*\(default\)$/, '');
      const isDefault = name !== row.NAME;
      return {
        ...base,
        metadata: { ...metadata, name, annotations: { ...(metadata.annotations as Raw), ...(isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {}) } },
        provisioner: row.PROVISIONER,
        ...(present(row.RECLAIMPOLICY) ? { reclaimPolicy: row.RECLAIMPOLICY } : {}),
        ...(present(row.VOLUMEBINDINGMODE) ? { volumeBindingMode: row.VOLUMEBINDINGMODE } : {}),
      };
    }
    case 'Ingress':
      return { ...base, spec: { ...(present(row.CLASS) ? { ingressClassName: row.CLASS } : {}), rules: (present(row.HOSTS) ?? '').split(',').filter((h) => h && h !== '*').map((host) => ({ host })) } };
    default:
      return base;
  }
}

/** A table with its header line; rows that fit no column layout are returned as left over. */
export function parseGetTable(lines: string[], namespace: string | undefined, command: string | undefined): { objects: Raw[]; kind?: string } {
  const rows = parseTable(lines);
  const header = (lines.find((l) => l.trim() !== '') ?? '').trim().split(/\s{2,}|\t+/);
  // `kubectl get all` prints one table per kind, each with `kind/name` names.
  const objects: Raw[] = [];
  let kind: string | undefined;
  for (const row of rows) {
    const k = resolveKind(/^([a-z.]+)\//.exec(row.NAME ?? '')?.[1] ?? '') ?? kindOfTable(header, rows, command);
    kind ??= k;
    const obj = k ? objectFromRow(k, row, namespace) : undefined;
    if (obj) objects.push(obj);
  }
  return { objects, ...(kind ? { kind } : {}) };
}

/** Pod rows without a header (a `grep` of `kubectl get pods`). */
export function parsePodRows(lines: string[], namespace: string | undefined): Raw[] {
  const out: Raw[] = [];
  for (const line of lines) {
    const m = POD_ROW.exec(line);
    if (!m) continue;
    out.push(podFromRow({ ...(m[1] ? { NAMESPACE: m[1] } : {}), NAME: m[2]!, READY: m[3]!, STATUS: m[4]!, RESTARTS: m[5]!, ...(m[6] ? { AGE: m[6] } : {}), ...(m[7] ? { IP: m[7] } : {}), ...(m[8] ? { NODE: m[8] } : {}) }, namespace));
  }
  return out;
}
