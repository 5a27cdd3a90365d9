import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPodLogDir } from '../../src/investigator/sources/dump-logs.js';
import type { ContainerLog } from '../../src/investigator/cluster/snapshot.js';
import { listenOnLoopback } from './loopback-http.js';

/**
 * A small Kubernetes API server on 127.0.0.1 serving a cluster dump folder (the layout the dump
 * source reads), for testing the live source through the real @kubernetes/client-node. It speaks
 * the REST API as kube-apiserver does: List objects whose items carry no kind, Status objects for
 * 401/403/404/400, field and label selectors, pod logs with container/previous/tailLines/timestamps.
 * Secrets are served with their data, so tests can prove the client side strips the values.
 */
type Raw = Record<string, any>;

interface ResourceType {
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
}

const RESOURCES: Record<string, ResourceType> = {
  pods: { kind: 'Pod', group: '', version: 'v1', namespaced: true },
  services: { kind: 'Service', group: '', version: 'v1', namespaced: true },
  endpoints: { kind: 'Endpoints', group: '', version: 'v1', namespaced: true },
  configmaps: { kind: 'ConfigMap', group: '', version: 'v1', namespaced: true },
  secrets: { kind: 'Secret', group: '', version: 'v1', namespaced: true },
  persistentvolumeclaims: { kind: 'PersistentVolumeClaim', group: '', version: 'v1', namespaced: true },
  resourcequotas: { kind: 'ResourceQuota', group: '', version: 'v1', namespaced: true },
  limitranges: { kind: 'LimitRange', group: '', version: 'v1', namespaced: true },
  events: { kind: 'Event', group: '', version: 'v1', namespaced: true },
  replicationcontrollers: { kind: 'ReplicationController', group: '', version: 'v1', namespaced: true },
  nodes: { kind: 'Node', group: '', version: 'v1', namespaced: false },
  persistentvolumes: { kind: 'PersistentVolume', group: '', version: 'v1', namespaced: false },
  namespaces: { kind: 'Namespace', group: '', version: 'v1', namespaced: false },
  deployments: { kind: 'Deployment', group: 'apps', version: 'v1', namespaced: true },
  replicasets: { kind: 'ReplicaSet', group: 'apps', version: 'v1', namespaced: true },
  statefulsets: { kind: 'StatefulSet', group: 'apps', version: 'v1', namespaced: true },
  daemonsets: { kind: 'DaemonSet', group: 'apps', version: 'v1', namespaced: true },
  jobs: { kind: 'Job', group: 'batch', version: 'v1', namespaced: true },
  cronjobs: { kind: 'CronJob', group: 'batch', version: 'v1', namespaced: true },
  ingresses: { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', namespaced: true },
  storageclasses: { kind: 'StorageClass', group: 'storage.k8s.io', version: 'v1', namespaced: false },
  horizontalpodautoscalers: { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', namespaced: true },
};

const apiVersionOf = (r: ResourceType) => (r.group ? `${r.group}/${r.version}` : r.version);

export interface ForbiddenRule {
  resource: string;
  /** Only in this namespace (any when absent). */
  namespace?: string;
}

export interface FakeApiServerOptions {
  /** Dump folder to serve. */
  dir: string;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  forbidden?: ForbiddenRule[];
}

export interface FakeApiServer {
  url: string;
  /** Every request received, in order (method and path with query). */
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

interface Store {
  objects: Map<string, Raw[]>;
  namespaces: string[];
  logs: ContainerLog[];
}

async function loadStore(dir: string): Promise<Store> {
  const objects = new Map<string, Raw[]>();
  const namespaces: string[] = [];
  const logs: ContainerLog[] = [];
  const addFile = async (path: string) => {
    const doc = JSON.parse(await readFile(path, 'utf8')) as Raw;
    const items: Raw[] = Array.isArray(doc.items) ? doc.items : [doc];
    const listKind = typeof doc.kind === 'string' && doc.kind.endsWith('List') ? doc.kind.slice(0, -4) : undefined;
    for (const item of items) {
      const kind = item.kind ?? listKind;
      if (!kind) continue;
      const stored = { ...item, kind, apiVersion: item.apiVersion ?? doc.apiVersion };
      objects.set(kind, [...(objects.get(kind) ?? []), stored]);
    }
  };
  const top = await readdir(dir, { withFileTypes: true });
  for (const e of top) if (e.isFile() && e.name.endsWith('.json')) await addFile(join(dir, e.name));
  for (const e of top.filter((x) => x.isDirectory())) {
    namespaces.push(e.name);
    const inner = await readdir(join(dir, e.name), { withFileTypes: true });
    for (const f of inner) if (f.isFile() && f.name.endsWith('.json')) await addFile(join(dir, e.name, f.name));
    for (const podDir of inner.filter((x) => x.isDirectory())) {
      const pod = (objects.get('Pod') ?? []).find((p) => p.metadata?.name === podDir.name && p.metadata?.namespace === e.name);
      logs.push(...(await readPodLogDir({ namespace: e.name, pod: podDir.name, dir: join(dir, e.name, podDir.name), defaultContainer: pod?.spec?.containers?.[0]?.name ?? podDir.name })));
    }
  }
  return { objects, namespaces, logs };
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: Raw): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code }));
}

const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** `a.b=x,c!=y` field selectors and `app=x` label selectors (equality only, as most callers use). */
function selectorMatches(obj: Raw, selector: string | null, lookup: (obj: Raw, key: string) => unknown): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term.trim());
    if (!m) return true;
    const actual = lookup(obj, m[1]!.trim());
    const equal = String(actual ?? '') === m[3]!.trim();
    return m[2] === '!=' ? !equal : equal;
  });
}

const fieldPath = (obj: Raw, key: string): unknown => key.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
const labelValue = (obj: Raw, key: string): unknown => obj.metadata?.labels?.[key];

/** The kubelet prefixes each line with RFC 3339 nano time under `timestamps=true`. */
function withTimestamps(lines: string[], pod: Raw | undefined, container: string, previous: boolean): string[] {
  const s = (pod?.status?.containerStatuses ?? []).find((c: Raw) => c.name === container);
  const state = previous ? s?.lastState : s?.state ?? s?.lastState;
  const start = Date.parse(state?.running?.startedAt ?? state?.terminated?.startedAt ?? s?.lastState?.terminated?.startedAt ?? '2025-01-01T00:00:00Z');
  return lines.map((l, i) => `${new Date(start + i).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ${l}`);
}

export async function startFakeApiServer(options: FakeApiServerOptions): Promise<FakeApiServer> {
  const store = await loadStore(options.dir);
  const requests: FakeApiServer['requests'] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: req.method ?? 'GET', url: `${url.pathname}${url.search}` });
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    const path = url.pathname;
    if (path === '/version') return json(res, { major: '1', minor: '29', gitVersion: 'v1.29.3', gitCommit: '6813625b7cd706db5bc7388921be03071e1a492d', gitTreeState: 'clean', buildDate: '2024-03-14T23:58:36Z', goVersion: 'go1.21.8', compiler: 'gc', platform: 'linux/amd64' });
    if (path === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
    if (path === '/apis') {
      const groups = [...new Set(Object.values(RESOURCES).filter((r) => r.group).map((r) => `${r.group}/${r.version}`))].map((gv) => {
        const [name, version] = gv.split('/');
        return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
      });
      return json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    // /api/v1/... or /apis/{group}/{version}/...
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(log))?$/.exec(path);
    if (!m) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const [, coreVersion, group = '', groupVersion, ns, resourceName, name, sub] = m;
    const version = coreVersion ?? groupVersion;
    // `/api/v1/namespaces/{name}` is a get of a Namespace, not a namespaced list.
    const resource = RESOURCES[resourceName!];
    if (!resource || resource.group !== group || resource.version !== version) {
      return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    const forbidden = (options.forbidden ?? []).find((f) => f.resource === resourceName && (f.namespace === undefined || f.namespace === ns));
    if (forbidden) {
      const verb = sub ? 'get' : name ? 'get' : 'list';
      const subresource = sub ? `/${sub}` : '';
      return status(res, 403, 'Forbidden', `${resourceName}${subresource}${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:syntra:reader" cannot ${verb} resource "${resourceName}"${subresource ? ` subresource "${sub}"` : ''} in API group "${group}"${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`, { ...(name ? { name } : {}), kind: resourceName });
    }
    const all = resource.kind === 'Namespace'
      ? store.namespaces.map((n) => ({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: n }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }))
      : store.objects.get(resource.kind) ?? [];
    const inScope = all.filter((o) => !resource.namespaced || ns === undefined || o.metadata?.namespace === ns);
    if (name === undefined) {
      const items = inScope
        .filter((o) => selectorMatches(o, url.searchParams.get('fieldSelector'), fieldPath))
        .filter((o) => selectorMatches(o, url.searchParams.get('labelSelector'), labelValue))
        .map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
      const limit = Number(url.searchParams.get('limit') ?? 0);
      return json(res, { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource), metadata: { resourceVersion: '4813000' }, items: limit > 0 ? items.slice(0, limit) : items });
    }
    const obj = inScope.find((o) => o.metadata?.name === name);
    if (!obj) return status(res, 404, 'NotFound', `${resourceName} "${name}" not found`, { name, kind: resourceName });
    if (sub !== 'log') return json(res, obj);
    if (resource.kind !== 'Pod') return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    return servePodLog(res, url, obj, store.logs);
  };

  const server = await listenOnLoopback((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      status(res, 500, 'InternalError', `fake apiserver: ${(e as Error).message}`);
    }
  });
  return { url: server.url, requests, close: server.close };
}

function servePodLog(res: ServerResponse, url: URL, pod: Raw, logs: ContainerLog[]): void {
  const podName: string = pod.metadata.name;
  const names: string[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c: Raw) => c.name);
  const container = url.searchParams.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (!container) return status(res, 400, 'BadRequest', `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`);
  if (!names.includes(container)) return status(res, 400, 'BadRequest', `container ${container} is not valid for pod ${podName}`);
  const previous = url.searchParams.get('previous') === 'true';
  const log = logs.find((l) => l.namespace === pod.metadata.namespace && l.pod === podName && l.container === container && l.previous === previous);
  if (!log) {
    const waiting = (pod.status?.containerStatuses ?? []).find((c: Raw) => c.name === container)?.state?.waiting?.reason;
    const message = previous
      ? `previous terminated container "${container}" in pod "${podName}" not found`
      : `container "${container}" in pod "${podName}" is waiting to start: ${waiting ?? 'ContainerCreating'}`;
    return status(res, 400, 'BadRequest', message);
  }
  let lines = log.lines;
  const tail = url.searchParams.get('tailLines');
  if (tail !== null) lines = lines.slice(-Number(tail));
  if (url.searchParams.get('timestamps') === 'true') lines = withTimestamps(lines, pod, container, previous);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

/**
 * A kubeconfig file pointing at the fake server (optionally with a bearer token). client-node
 * refuses plain http unless the cluster entry skips TLS verification (as for `kubectl proxy`).
 */
export async function writeKubeconfig(server: string, options: { token?: string; namespace?: string; dir?: string } = {}): Promise<string> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'syntra-kubeconfig-')));
  const path = join(dir, 'config');
  const user = options.token ? `    token: ${options.token}\n` : '    username: test\n';
  await writeFile(path, `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${server}
${server.startsWith('http:') ? '    insecure-skip-tls-verify: true\n' : ''}contexts:
- name: fake
  context:
    cluster: fake
    user: tester
${options.namespace ? `    namespace: ${options.namespace}\n` : ''}current-context: fake
users:
- name: tester
  user:
${user}`);
  return path;
}
