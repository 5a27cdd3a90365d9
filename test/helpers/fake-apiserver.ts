import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPodLogDir } from '../../src/investigator/sources/dump-logs.js';
import type { ContainerLog } from '../../src/investigator/cluster/snapshot.js';
import { podLog, withTimestamps } from './fake-apiserver/pod-logs.js';
import type { ServedResource } from './fake-apiserver/resources.js';
import { SERVED, coreEventToEventsV1, fieldPathOf, groupList, groupVersionOf, resourceList, selectableFields } from './fake-apiserver/resources.js';
import { SelectorError, parseFieldSelector, parseLabelSelector } from './fake-apiserver/selectors.js';
import { JsonPatchError, WRITE_CONTENT_TYPES, bumpGeneration, jsonPatch, mergePatch, nextResourceVersion, settleWorkload, strategicMergePatch, type RecordedWrite, type Settle } from './fake-apiserver/writes.js';
import { tableOf, wantsTable } from './fake-apiserver/tables.js';
import { listenOnLoopback } from './loopback-http.js';

/**
 * A small Kubernetes API server on 127.0.0.1 serving a cluster dump folder (the layout the dump
 * source reads), for testing the live source through the real @kubernetes/client-node and the
 * real kubectl. It answers as kube-apiserver does where a client can tell: discovery documents,
 * List objects whose items carry no kind, items in key order, `limit` + `continue` paging,
 * label and field selectors (a selector it does not understand is a 400, not a match-all),
 * Status objects for 400/401/403/404, events.k8s.io/v1 Events, server-side tables for the pods and
 * events kubectl prints (fake-apiserver/tables.ts), and pod logs as the kubelet serves them
 * (fake-apiserver/pod-logs.ts). Secrets are served with their data, so tests can
 * prove the client side strips the values.
 */
type Raw = Record<string, any>;

export interface ForbiddenRule {
  resource: string;
  /** Only in this API group (`''` is core; any when absent). */
  group?: string;
  /** Only in this namespace (any when absent). */
  namespace?: string;
}

export interface FakeApiServerOptions {
  /** Dump folder to serve. */
  dir: string;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  forbidden?: ForbiddenRule[];
  /** Group versions this cluster does not serve (an older cluster), e.g. `events.k8s.io/v1`. */
  unserved?: string[];
  /** Fault injection, called for every request before it is answered: `stall` never answers it. */
  intercept?: (url: URL) => 'stall' | undefined;
  /** Accept PATCH and DELETE (see fake-apiserver/writes.ts); read-only (405) when absent. */
  writable?: { settle: Settle; writerToken?: string };
  /** Called before a stored write: a test changes the object under an approval here. */
  beforeWrite?: (write: { method: string; path: string }) => void;
}

export interface RecordedApiRequest {
  method: string;
  /** Path with query. */
  url: string;
  startedAt: number;
  /** Client connections open when it arrived: how many requests the client had in flight at most. */
  connections: number;
  /** Set when the answer was sent. */
  status?: number;
  bytes?: number;
  finishedAt?: number;
}

export interface FakeApiServer {
  url: string;
  /** Every request received, in order. */
  requests: RecordedApiRequest[];
  /** Every PATCH and DELETE, with its body, content type and query. */
  writes: RecordedWrite[];
  /** The stored object (live reference), to inspect or change between calls. */
  object(kind: string, namespace: string | undefined, name: string): Raw | undefined;
  /** Changes the objects of one kind between requests (a pod breaking, a workload recovering). */
  update(kind: string, change: (objects: Raw[]) => Raw[]): void;
  close(): Promise<void>;
}

interface Store {
  /** By kind, in key order (namespace/name) as etcd lists them. */
  objects: Map<string, Raw[]>;
  namespaces: string[];
  logs: ContainerLog[];
}

const RESOURCE_VERSION = '4813000';
const keyOf = (o: Raw) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

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
      const list = objects.get(kind) ?? [];
      list.push({ ...item, kind, apiVersion: item.apiVersion ?? doc.apiVersion });
      objects.set(kind, list);
    }
  };
  const top = await readdir(dir, { withFileTypes: true });
  for (const e of top) if (e.isFile() && e.name.endsWith('.json')) await addFile(join(dir, e.name));
  for (const e of top.filter((x) => x.isDirectory())) {
    namespaces.push(e.name);
    const inner = await readdir(join(dir, e.name), { withFileTypes: true });
    for (const f of inner) if (f.isFile() && f.name.endsWith('.json')) await addFile(join(dir, e.name, f.name));
    const pods = new Map((objects.get('Pod') ?? []).map((p) => [keyOf(p), p]));
    for (const podDir of inner.filter((x) => x.isDirectory())) {
      const pod = pods.get(`${e.name}/${podDir.name}`);
      logs.push(...(readPodLogDir({ namespace: e.name, pod: podDir.name, dir: join(dir, e.name, podDir.name), defaultContainer: pod?.spec?.containers?.[0]?.name ?? podDir.name })));
    }
  }
  for (const list of objects.values()) list.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  namespaces.sort();
  return { objects, namespaces, logs };
}

/** The record of each request in flight, completed when its answer is sent (benchmarks read sizes and times). */
const records = new WeakMap<ServerResponse, RecordedApiRequest>();

function send(res: ServerResponse, code: number, contentType: string, body: string): void {
  const record = records.get(res);
  if (record) Object.assign(record, { status: code, bytes: Buffer.byteLength(body), finishedAt: performance.now() });
  res.writeHead(code, { 'content-type': contentType });
  res.end(body);
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: Raw): void {
  send(res, code, 'application/json', JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code }));
}

const json = (res: ServerResponse, body: unknown) => send(res, 200, 'application/json', JSON.stringify(body));

/** Continue tokens look like kube-apiserver's: base64 JSON naming the key to start after. */
const encodeContinue = (startKey: string) => Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(RESOURCE_VERSION), start: `${startKey}\u0000` })).toString('base64url');
function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string') throw new Error('bad token');
    return parsed.start;
  } catch {
    throw new SelectorError(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  }
}

export async function startFakeApiServer(options: FakeApiServerOptions): Promise<FakeApiServer> {
  const store = await loadStore(options.dir);
  const requests: RecordedApiRequest[] = [];
  const served = SERVED.filter((r) => !(options.unserved ?? []).includes(groupVersionOf(r)));

  const storedObjects = (resource: ServedResource): Raw[] => {
    if (resource.kind === 'Namespace') {
      return store.namespaces.map((n) => ({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: n }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }));
    }
    const stored = store.objects.get(resource.storedKind ?? resource.kind) ?? [];
    return resource.group === 'events.k8s.io' ? stored.map(coreEventToEventsV1) : stored;
  };

  const list = (res: ServerResponse, url: URL, resource: ServedResource, ns: string | undefined, asTable = false) => {
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fieldSelector = url.searchParams.get('fieldSelector');
    const fields = parseFieldSelector(fieldSelector, selectableFields(resource), fieldPathOf);
    if (fields.unsupported !== undefined) {
      throw new SelectorError(`field label not supported: ${fields.unsupported}`);
    }
    // Keys relative to the listed prefix, as etcd compares them: `name` in one namespace, `ns/name` across.
    const relKey = (o: Raw) => (resource.namespaced && ns === undefined ? keyOf(o) : (o.metadata?.name ?? ''));
    const token = url.searchParams.get('continue');
    const start = token ? decodeContinue(token) : undefined;
    const matching = storedObjects(resource)
      .filter((o) => !resource.namespaced || ns === undefined || o.metadata?.namespace === ns)
      .filter((o) => start === undefined || relKey(o) >= start)
      .filter((o) => labels(o) && fields.matcher(o));
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const page = limit > 0 ? matching.slice(0, limit) : matching;
    const more = page.length < matching.length;
    const selected = Boolean(url.searchParams.get('labelSelector') || fieldSelector);
    const metadata = {
      resourceVersion: RESOURCE_VERSION,
      ...(more ? { continue: encodeContinue(relKey(page.at(-1)!)) } : {}),
      ...(more && !selected ? { remainingItemCount: matching.length - page.length } : {}),
    };
    // events.k8s.io Events are read by programs, not printed by kubectl get (which lists core/v1 events).
    const table = asTable && resource.storedKind === undefined ? tableOf(resource.kind, page, metadata) : undefined;
    if (table) return json(res, table);
    json(res, { kind: `${resource.kind}List`, apiVersion: groupVersionOf(resource), metadata, items: page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest) });
  };

  const writes: RecordedWrite[] = [];
  const findObject = (kind: string, ns: string | undefined, name: string) => (store.objects.get(kind) ?? []).find((o) => o.metadata?.name === name && (ns === undefined || o.metadata?.namespace === ns));

  const handleWrite = (req: IncomingMessage, res: ServerResponse, url: URL, text: string) => {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const resource = m ? served.find((r) => r.name === m[5] && r.group === (m[2] ?? '') && r.version === (m[1] ?? m[3])) : undefined;
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    const dryRun = url.searchParams.getAll('dryRun');
    const record: RecordedWrite = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), contentType, body: undefined, status: 0, dryRun: dryRun.includes('All') };
    writes.push(record);
    const answer = (code: number, body: Raw | undefined, reason?: string, message?: string) => {
      record.status = code;
      if (body) json(res, body);
      else status(res, code, reason!, message!);
    };
    if (!m || !resource) return answer(404, undefined, 'NotFound', 'the server could not find the requested resource');
    // RBAC as a cluster would have it: only the executor's identity may write.
    const writer = options.writable!.writerToken;
    if (writer !== undefined && req.headers.authorization !== `Bearer ${writer}`) {
      const verb = req.method === 'DELETE' ? 'delete' : 'patch';
      return answer(403, undefined, 'Forbidden', `${m[5]} "${m[6]}" is forbidden: User "system:serviceaccount:syntra:reader" cannot ${verb} resource "${m[5]}" in API group "${m[2] ?? ''}" in the namespace "${m[4] ?? ''}"`);
    }
    if (dryRun.some((d) => d !== 'All')) return answer(400, undefined, 'BadRequest', `Invalid dry run value: ${dryRun.join(',')}`);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return answer(400, undefined, 'BadRequest', 'the body of the request was in an unknown format');
    }
    record.body = body;
    const ns = m[4];
    const name = m[6]!;
    const obj = findObject(resource.kind, resource.namespaced ? ns : undefined, name);
    if (!obj) return answer(404, undefined, 'NotFound', `${resource.name}${resource.group ? `.${resource.group}` : ''} "${name}" not found`);
    const conflict = () => answer(409, undefined, 'Conflict', `Operation cannot be fulfilled on ${resource.name}${resource.group ? `.${resource.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    if (req.method === 'PATCH') {
      if (!contentType || !WRITE_CONTENT_TYPES.includes(contentType)) return answer(415, undefined, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${WRITE_CONTENT_TYPES.join(', ')}`);
      // The patched object's resourceVersion is the precondition, whatever the patch type.
      let next: Raw;
      try {
        next = contentType === 'application/json-patch+json' ? jsonPatch(obj, body) : ((contentType === 'application/strategic-merge-patch+json' ? strategicMergePatch(obj, body) : mergePatch(obj, body)) as Raw);
      } catch (e) {
        if (e instanceof JsonPatchError) return answer(e.status, undefined, e.status === 422 ? 'Invalid' : 'BadRequest', e.message);
        throw e;
      }
      if (next.metadata?.resourceVersion !== obj.metadata.resourceVersion) return conflict();
      next.metadata = { ...next.metadata, resourceVersion: record.dryRun ? obj.metadata.resourceVersion : nextResourceVersion() };
      bumpGeneration(obj, next);
      if (record.dryRun) return answer(200, next);
      options.beforeWrite?.({ method: 'PATCH', path: url.pathname });
      const stored = findObject(resource.kind, resource.namespaced ? ns : undefined, name)!;
      if (stored.metadata.resourceVersion !== obj.metadata.resourceVersion) return conflict();
      for (const k of Object.keys(stored)) delete stored[k];
      Object.assign(stored, next);
      settleWorkload(store, stored, options.writable!.settle);
      return answer(200, stored);
    }
    if (req.method === 'DELETE') {
      if (resource.kind !== 'Pod') return answer(405, undefined, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const pre = (body as Raw | undefined)?.preconditions;
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) return conflict();
      if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) return conflict();
      const gone = { ...obj, metadata: { ...obj.metadata, deletionTimestamp: '2025-03-14T11:00:00Z', deletionGracePeriodSeconds: 30 } };
      if (record.dryRun) return answer(200, gone);
      options.beforeWrite?.({ method: 'DELETE', path: url.pathname });
      const list = store.objects.get('Pod') ?? [];
      list.splice(list.indexOf(obj), 1);
      return answer(200, gone);
    }
    return answer(405, undefined, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    const path = url.pathname;
    if (path === '/version') return json(res, { major: '1', minor: '29', gitVersion: 'v1.29.3', gitCommit: '6813625b7cd706db5bc7388921be03071e1a492d', gitTreeState: 'clean', buildDate: '2024-03-14T23:58:36Z', goVersion: 'go1.21.8', compiler: 'gc', platform: 'linux/amd64' });
    if (path === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
    if (path === '/apis') return json(res, groupList(served));
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/?$/.exec(path);
    if (discovery) {
      const doc = resourceList(served, discovery[1] ?? discovery[2]!);
      return doc ? json(res, doc) : status(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    // /api/v1/... or /apis/{group}/{version}/...
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(log))?$/.exec(path);
    if (!m) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const [, coreVersion, group = '', groupVersion, ns, resourceName, name, sub] = m;
    const version = coreVersion ?? groupVersion;
    // `/api/v1/namespaces/{name}` is a get of a Namespace, not a namespaced list.
    const resource = served.find((r) => r.name === resourceName && r.group === group && r.version === version);
    if (!resource) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const forbidden = (options.forbidden ?? []).find((f) => f.resource === resourceName && (f.group === undefined || f.group === group) && (f.namespace === undefined || f.namespace === ns));
    if (forbidden) {
      const verb = name ? 'get' : 'list';
      const subresource = sub ? `/${sub}` : '';
      return status(res, 403, 'Forbidden', `${resourceName}${subresource}${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:syntra:reader" cannot ${verb} resource "${resourceName}"${subresource ? ` subresource "${sub}"` : ''} in API group "${group}"${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`, { ...(name ? { name } : {}), kind: resourceName });
    }
    if (name === undefined) return list(res, url, resource, ns, wantsTable(req.headers.accept));
    const obj = storedObjects(resource).find((o) => o.metadata?.name === name && (!resource.namespaced || o.metadata?.namespace === ns));
    if (!obj) return status(res, 404, 'NotFound', `${resourceName} "${name}" not found`, { name, kind: resourceName });
    // `kubectl get deploy x` asks for a Table of one object, as it does for a list.
    const table = sub === undefined && wantsTable(req.headers.accept) ? tableOf(resource.kind, [obj], { resourceVersion: RESOURCE_VERSION }) : undefined;
    if (table) return json(res, table);
    if (sub === undefined) return json(res, obj);
    if (sub !== 'log' || resource.kind !== 'Pod') return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    return servePodLog(res, url, obj, store.logs);
  };

  const sockets = new Set<unknown>();
  const server = await listenOnLoopback((req, res) => {
    if (!sockets.has(req.socket)) {
      sockets.add(req.socket);
      req.socket.once('close', () => sockets.delete(req.socket));
    }
    const record: RecordedApiRequest = { method: req.method ?? 'GET', url: req.url ?? '/', startedAt: performance.now(), connections: sockets.size };
    requests.push(record);
    records.set(res, record);
    if (options.intercept?.(new URL(record.url, 'http://localhost')) === 'stall') return;
    const fail = (e: unknown) => {
      if (e instanceof SelectorError) status(res, 400, 'BadRequest', e.message);
      else status(res, 500, 'InternalError', `fake apiserver: ${(e as Error).message}`);
    };
    if (options.writable && (req.method === 'PATCH' || req.method === 'DELETE')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          handleWrite(req, res, new URL(req.url ?? '/', 'http://localhost'), Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
          fail(e);
        }
      });
      return;
    }
    try {
      handle(req, res);
    } catch (e) {
      fail(e);
    }
  });
  const update = (kind: string, change: (objects: Raw[]) => Raw[]) => void store.objects.set(kind, change(store.objects.get(kind) ?? []));
  return { url: server.url, requests, update, writes, object: findObject, close: server.close };
}

function servePodLog(res: ServerResponse, url: URL, pod: Raw, logs: ContainerLog[]): void {
  const podName: string = pod.metadata.name;
  const names: string[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c: Raw) => c.name);
  const container = url.searchParams.get('container') ?? (pod.spec?.containers?.length === 1 ? pod.spec.containers[0].name : undefined);
  if (!container) return status(res, 400, 'BadRequest', `a container name must be specified for pod ${podName}, choose one of: [${(pod.spec?.containers ?? []).map((c: Raw) => c.name).join(' ')}]`);
  if (!names.includes(container)) return status(res, 400, 'BadRequest', `container ${container} is not valid for pod ${podName}`);
  const answer = podLog(pod, container, url.searchParams.get('previous') === 'true', logs);
  if (!answer.ok) return status(res, 400, 'BadRequest', answer.message);
  let lines = answer.lines;
  const tail = url.searchParams.get('tailLines');
  if (tail !== null) lines = lines.slice(-Number(tail));
  if (url.searchParams.get('timestamps') === 'true') lines = withTimestamps(lines, answer.startedAt);
  send(res, 200, 'text/plain', lines.length > 0 ? `${lines.join('\n')}\n` : '');
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
