import type { DescribeNode } from './describe-tree.js';
import { allValues } from './describe-tree.js';

/** Values as `kubectl describe` prints them, turned back into API fields. */
type Raw = Record<string, unknown>;

/** `<none>`, `<unset>`, `<nil>` and empty print for absent values. */
export const present = (v: string | undefined): string | undefined =>
  v === undefined || v === '' || /^<(none|unset|nil|unknown)>$/.test(v) ? undefined : v;

/** `Fri, 14 Mar 2025 10:42:31 +0000` (RFC 1123 with numeric zone) → RFC 3339. */
export function kubectlTime(v: string | undefined): string | undefined {
  const p = present(v);
  if (p === undefined) return undefined;
  const ms = Date.parse(p);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `2m13s`, `5d`, `3h2m`, `45s` → milliseconds. */
export function durationMs(v: string): number | undefined {
  const re = /(\d+)(d|h|m|s)/g;
  let total = 0;
  let matched = false;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    matched = true;
    total += Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[m[2] as 'd' | 'h' | 'm' | 's'];
  }
  return matched ? total : undefined;
}

export interface EventAge {
  lastTimestamp?: string | undefined;
  firstTimestamp?: string | undefined;
  count: number;
}

/** The Age (or LAST SEEN) column: `12s`, `12s (x62 over 15m)`, `<unknown>`; relative to `now`. */
export function eventAge(age: string, now: Date): EventAge {
  const m = /^(\S+)(?:\s+\(x(\d+) over (\S+)\))?/.exec(age.trim());
  if (!m) return { count: 1 };
  const ago = (s: string | undefined) => {
    const d = s === undefined ? undefined : durationMs(s);
    return d === undefined ? undefined : new Date(now.getTime() - d).toISOString();
  };
  const last = ago(m[1]);
  return { lastTimestamp: last, firstTimestamp: ago(m[3]) ?? last, count: m[2] ? Number(m[2]) : 1 };
}

/** `app=auth-service` lines → labels. */
export function labelMap(node: DescribeNode | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const v of allValues(node)) {
    if (present(v) === undefined) continue;
    for (const part of v.split(',')) {
      const i = part.indexOf('=');
      if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `key: value` lines → annotations. */
export function annotationMap(node: DescribeNode | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const v of allValues(node)) {
    if (present(v) === undefined) continue;
    const i = v.indexOf(':');
    if (i > 0) out[v.slice(0, i).trim()] = v.slice(i + 1).trim();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const API_VERSION_OF: Record<string, string> = {
  ReplicaSet: 'apps/v1', Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1',
  Job: 'batch/v1', CronJob: 'batch/v1', ReplicationController: 'v1', Node: 'v1',
};

/** `Controlled By:  ReplicaSet/auth-service-7d9f8b6c5d` → ownerReferences. */
export function controlledBy(v: string | undefined): Raw[] | undefined {
  const p = present(v);
  const m = p ? /^([A-Za-z]+)\/(\S+)$/.exec(p) : null;
  if (!m) return undefined;
  return [{ apiVersion: API_VERSION_OF[m[1]!] ?? 'v1', kind: m[1], name: m[2], uid: '', controller: true }];
}

/** A Toleration or Taint as printed: `key[=value]:Effect [op=Exists] [for 300s]`. */
function parseTaintLike(v: string): Raw | undefined {
  const m = /^([^=:\s]*)(?:=([^:\s]*))?(?::(\w+))?(?:\s+op=(\w+))?(?:\s+for\s+(\d+)s)?$/.exec(v.trim());
  if (!m) return undefined;
  return {
    ...(m[1] ? { key: m[1] } : {}),
    ...(m[2] !== undefined ? { value: m[2] } : {}),
    ...(m[3] ? { effect: m[3] } : {}),
    ...(m[4] ? { operator: m[4] } : {}),
    ...(m[5] ? { tolerationSeconds: Number(m[5]) } : {}),
  };
}

export function tolerations(node: DescribeNode | undefined): Raw[] | undefined {
  const out = allValues(node).filter((v) => present(v)).map(parseTaintLike).filter((t): t is Raw => t !== undefined);
  return out.length > 0 ? out.map((t) => ('operator' in t ? t : { ...t, operator: 'value' in t ? 'Equal' : 'Exists' })) : undefined;
}

export function taints(node: DescribeNode | undefined): Raw[] | undefined {
  const out = allValues(node).filter((v) => present(v)).map(parseTaintLike).filter((t): t is Raw => t !== undefined);
  return out.length > 0 ? out : undefined;
}

/** `cpu: 500m` children → a resource list. */
export function resourceList(node: DescribeNode | undefined): Record<string, string> | undefined {
  if (!node || present(node.value) !== undefined) return undefined;
  const out: Record<string, string> = {};
  for (const c of node.children) if (c.key) out[c.key] = c.value;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `http-get http://:8080/healthz delay=15s timeout=1s period=20s #success=1 #failure=3` → a Probe. */
export function probe(v: string | undefined): Raw | undefined {
  const p = present(v);
  if (p === undefined) return undefined;
  const num = (name: string) => {
    const m = new RegExp(`${name}=(\\d+)s?`).exec(p);
    return m ? Number(m[1]) : undefined;
  };
  const settings = {
    initialDelaySeconds: num('delay'), timeoutSeconds: num('timeout'), periodSeconds: num('period'),
    successThreshold: num('#success'), failureThreshold: num('#failure'),
  };
  let handler: Raw = {};
  const http = /^http-get (https?):\/\/([^/\s]*):([^/\s]+)(\/\S*)?/.exec(p);
  const tcp = /^tcp-socket ([^:\s]*):(\S+)/.exec(p);
  const exec = /^exec \[(.*)\]/.exec(p);
  const grpc = /^grpc <pod>:(\d+)/.exec(p);
  const port = (s: string) => (/^\d+$/.test(s) ? Number(s) : s);
  if (http) handler = { httpGet: { ...(http[2] ? { host: http[2] } : {}), port: port(http[3]!), path: http[4] ?? '/', scheme: http[1]!.toUpperCase() } };
  else if (tcp) handler = { tcpSocket: { ...(tcp[1] ? { host: tcp[1] } : {}), port: port(tcp[2]!) } };
  else if (exec) handler = { exec: { command: exec[1]!.split(' ') } };
  else if (grpc) handler = { grpc: { port: Number(grpc[1]) } };
  return { ...handler, ...settings };
}

/** `8080/TCP` or `8080/TCP, 9090/TCP` (Ports:) → container ports. */
export function containerPorts(v: string | undefined): Raw[] | undefined {
  const p = present(v);
  if (p === undefined) return undefined;
  const ports = p.split(',').map((s) => /^(\d+)\/(\w+)/.exec(s.trim())).filter((m): m is RegExpExecArray => m !== null && m[1] !== '0');
  return ports.length > 0 ? ports.map((m) => ({ containerPort: Number(m[1]), protocol: m[2] })) : undefined;
}

/** `/data from redis-data (rw)`, `/etc/app from cfg (ro,path="app.conf")` → volume mounts. */
export function volumeMounts(node: DescribeNode | undefined): Raw[] | undefined {
  if (!node) return undefined;
  const out: Raw[] = [];
  for (const c of node.children) {
    const m = /^(\S+) from (\S+) \((r[ow])(?:,path="([^"]*)")?\)/.exec(c.raw.trim());
    if (m) out.push({ mountPath: m[1], name: m[2], ...(m[3] === 'ro' ? { readOnly: true } : {}), ...(m[4] ? { subPath: m[4] } : {}) });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * `Environment:` children. Values kubectl prints for references:
 * `<set to the key 'password' in secret 'db'>  Optional: false`,
 * `<set to the key 'url' of config map 'app'>  Optional: false`, `(v1:metadata.name)`.
 */
export function envVars(node: DescribeNode | undefined): Raw[] | undefined {
  if (!node || present(node.value) !== undefined) return undefined;
  const out: Raw[] = [];
  for (const c of node.children) {
    if (!c.key) continue;
    const v = c.value;
    const optional = /Optional:\s*(true|false)/.exec(v)?.[1];
    const secret = /^<set to the key '([^']*)' in secret '([^']*)'>/.exec(v);
    const config = /^<set to the key '([^']*)' of config map '([^']*)'>/.exec(v);
    // Field and resource references print the resolved value (if any) before the reference.
    const field = /^(?:\S* )?\(([^:)\s]+):([^)\s]+)\)$/.exec(v);
    const resource = /^(?:\S* )?\(((?:limits|requests)\.[\w.-]+)\)$/.exec(v);
    const opt = optional !== undefined ? { optional: optional === 'true' } : {};
    if (secret) out.push({ name: c.key, valueFrom: { secretKeyRef: { name: secret[2], key: secret[1], ...opt } } });
    else if (config) out.push({ name: c.key, valueFrom: { configMapKeyRef: { name: config[2], key: config[1], ...opt } } });
    else if (field) out.push({ name: c.key, valueFrom: { fieldRef: { apiVersion: field[1], fieldPath: field[2] } } });
    else if (resource) out.push({ name: c.key, valueFrom: { resourceFieldRef: { resource: resource[1] } } });
    else out.push({ name: c.key, value: [v, ...c.more].join('\n') });
  }
  return out;
}

/** `Environment Variables from:` rows: `app-config  ConfigMap  Optional: false`. */
export function envFrom(node: DescribeNode | undefined): Raw[] | undefined {
  if (!node) return undefined;
  const out: Raw[] = [];
  for (const c of node.children) {
    const m = /^(\S+)\s+(ConfigMap|Secret)(?:\s+with prefix '([^']*)')?\s+Optional:\s*(true|false)/.exec(c.raw.trim());
    if (!m) continue;
    const ref = { name: m[1], optional: m[4] === 'true' };
    out.push({ ...(m[3] ? { prefix: m[3] } : {}), ...(m[2] === 'Secret' ? { secretRef: ref } : { configMapRef: ref }) });
  }
  return out.length > 0 ? out : undefined;
}

/** Lines under `Command:` / `Args:`. */
export const commandLines = (node: DescribeNode | undefined): string[] | undefined =>
  node && node.children.length > 0 ? node.children.map((c) => c.raw.trim()) : undefined;

/** `RWO,RWX` (describe's short access modes) → the API's access modes. */
export function accessModes(v: string | undefined): string[] | undefined {
  const modes = present(v)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return modes?.map((m) => ({ RWO: 'ReadWriteOnce', ROX: 'ReadOnlyMany', RWX: 'ReadWriteMany', RWOP: 'ReadWriteOncePod' })[m] ?? m);
}
