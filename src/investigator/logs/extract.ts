/**
 * Pulls the concrete names out of a log line: host:port, file paths, env var names, the
 * Kubernetes request a 403 was for. Used by the pattern table when a pattern's own groups do
 * not carry them.
 */
export interface LogFacts {
  host?: string;
  port?: number;
  /** The IP a host name resolved to, when a log line gave both. */
  address?: string | undefined;
  envVar?: string;
  /** A service-link value (`tcp://10.43.0.1:8000`) the program read as a setting of its own. */
  serviceLink?: string;
  file?: string;
  /** RBAC: user, verb and resource from a "forbidden" message. */
  user?: string;
  verb?: string;
  resource?: string;
  /** The exit status a line reports (`exited with code 127`). */
  exitCode?: number;
  /** The elapsed time or timeout a slow-dependency line reports, as written (`30014ms`, `2000 ms`). */
  duration?: string;
  /** The exception or error text worth quoting in a summary. */
  detail?: string;
}

export type HostPort = Pick<LogFacts, 'host' | 'port' | 'address'>;

const TIMESTAMP_PREFIX = new RegExp(
  '^(?:' +
    // RFC 3339 / ISO and their log-library variants (kubectl --timestamps, logback, serilog, postgres)
    '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?: ?(?:Z|[+-]\\d{2}:?\\d{2}|UTC))?' +
    '|\\[\\d{4}-\\d{2}-\\d{2}[^\\]]*\\]' +
    // node-red: `21 Jun 15:07:00 - `
    '|\\d{1,2} [A-Z][a-z]{2} \\d{2}:\\d{2}:\\d{2} -' +
    ')\\s+',
);

/** Drops leading timestamps (kubectl --timestamps, then the logger's own) so anchored patterns match. */
export const stripTimestamp = (line: string): string => line.replace(TIMESTAMP_PREFIX, '').replace(TIMESTAMP_PREFIX, '');

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
export const isIp = (host: string | undefined): boolean => host !== undefined && (IPV4.test(host) || /^[\da-f]*:[\da-f:]+$/i.test(host));

/**
 * One host:port as runtimes print it: `db:5432`, `[::1]:5432`, `"db" port 5432`, netcat's
 * `db (10.0.0.5) port 5432`, and the `name/ip:port` of netty and Kafka (`setest01/127.0.0.1:9092`).
 */
export function parseHostPort(raw: string): HostPort {
  const m = /^(?:([\w.-]*)\/)?"?\[?([\w.:-]+?)\]?"?(?: \(([\da-fA-F.:]+)\))?(?::| port )(\d{1,5})$/.exec(raw.trim());
  if (!m) {
    const bare = raw.trim().replace(/^["'[(]+|["')\]]+$/g, '');
    return bare ? { host: bare } : {};
  }
  const [, name, host, ip, port] = m;
  if (name && host && name !== host) return { host: name, address: host, port: Number(port) };
  return { ...(host ? { host } : {}), ...(ip && ip !== host ? { address: ip } : {}), port: Number(port) };
}

/** A regex source for one host:port as clients print it (see parseHostPort), captured as group `hp`. */
export const HOST_PORT_GROUP = String.raw`(?<hp>(?:[\w.-]*\/)?"?(?:\[[\da-fA-F:]+\]|[\w.-]+)"?(?: \([\da-fA-F.:]+\))?(?::| port )\d{1,5})(?!\d)`;

const URL_HOST = /\b(?:https?|postgres(?:ql)?|mysql|redis|amqp|mongodb|grpc|tcp|fastcgi|wss?):\/\/(?:[^@\s/]*@)?(\[[\da-f:]+\]|[a-z0-9][\w.-]*)(?::(\d{1,5}))?/i;
// host:port where the host is a DNS name with a letter or a dotted IPv4; excludes clock times like 10:23:45.
// Not an IP's first octet after a prefix (grpc-core's `ipv4:10.0.0.1:50051`: `ipv4` is the address family, not a host).
const HOST_PORT = /(?<![\w.:/-])((?:\d{1,3}\.){3}\d{1,3}|[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*)(?:\/(?:\d{1,3}\.){3}\d{1,3})?:(\d{2,5})(?![\d:]|\.\d)/gi;
// `main.go:231`, `_tls_wrap.js:633`, `DbTool.php:346`: a source position, not a service.
const SOURCE_FILE = /\.(?:go|java|kt|scala|py|js|mjs|cjs|ts|rb|rs|c|cc|cpp|h|php|cs|ex|exs|erl)$/i;
const URLLIB3 = /host='([^']+)', port=(\d{1,5})/;

// SQLAlchemy appends where its error is documented (`(Background on this error at: http://sqlalche.me/e/e3q8)`): no peer.
const DOCS_LINK = /\(Background on this error at: [^)]*\)/g;

export function hostPortIn(line: string): { host: string; port?: number } | undefined {
  const text = line.includes('Background on this error') ? line.replace(DOCS_LINK, '') : line;
  const pool = URLLIB3.exec(text);
  if (pool?.[1]) return { host: pool[1], port: Number(pool[2]) };
  const url = URL_HOST.exec(text);
  if (url?.[1]) return { host: url[1].replace(/^\[|\]$/g, ''), ...(url[2] ? { port: Number(url[2]) } : {}) };
  for (const hp of text.matchAll(HOST_PORT)) {
    if (hp[1] && hp[2] && !SOURCE_FILE.test(hp[1])) return { host: hp[1], port: Number(hp[2]) };
  }
  return undefined;
}

/**
 * The name a line gives next to the address it failed on (`failed to connect to server [mongo:27017] …
 * ECONNREFUSED 172.18.0.3:27017`): the first host:port with a DNS name and the same port.
 */
export function serviceNameIn(text: string, port: number): string | undefined {
  for (const hp of text.matchAll(HOST_PORT)) {
    if (hp[1] && Number(hp[2]) === port && !isIp(hp[1]) && !SOURCE_FILE.test(hp[1])) return hp[1];
  }
  return undefined;
}

/** The first dotted IPv4 address in a line, for lines that name a peer without a port. */
export function ipIn(text: string): string | undefined {
  return /(?<![\d.])((?:\d{1,3}\.){3}\d{1,3})(?![\d.]*\d)/.exec(text)?.[1];
}

/** libpq spreads host and port over the lines after "could not connect to server". */
export function libpqHostPort(lines: readonly string[]): { host?: string; port?: number } {
  const text = lines.join(' ');
  const host = /host "([^"]+)"/.exec(text)?.[1] ?? /server at "([^"]+)"/.exec(text)?.[1];
  const port = /port (\d{2,5})/.exec(text)?.[1];
  return { ...(host ? { host } : {}), ...(port ? { port: Number(port) } : {}) };
}

/** A service-account user `system:serviceaccount:ns:name` → its name. */
export function serviceAccountOf(user: string | undefined): string | undefined {
  const m = /^system:serviceaccount:[^:]+:(.+)$/.exec(user ?? '');
  return m?.[1];
}

const VERB_OF_METHOD: Record<string, string> = { DELETE: 'delete', POST: 'create', PUT: 'update', PATCH: 'patch' };

/**
 * The resource (and, given the HTTP method, the verb) of a Kubernetes API URL:
 * `/api/v1/namespaces/ns/pods/x` → pods, `/apis/apps/v1/namespaces/ns/statefulsets` → statefulsets.
 */
export function kubernetesRequest(url: string, method?: string): Pick<LogFacts, 'verb' | 'resource'> {
  const path = /\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/([^?#\s'")]*)/.exec(url)?.[1];
  if (!path) return {};
  const parts = path.split('/').filter(Boolean);
  const [resource, name] = parts[0] === 'namespaces' && parts.length >= 3 ? [parts[2], parts[3]] : [parts[0], parts[1]];
  if (!resource) return {};
  const verb = method ? (method === 'GET' ? (name ? 'get' : 'list') : VERB_OF_METHOD[method]) : undefined;
  return { resource, ...(verb ? { verb } : {}) };
}

/** The first capture group that took part in the match (alternatives number their groups apart). */
export const firstGroup = (m: RegExpExecArray): string | undefined => m.slice(1).find((g) => g !== undefined);
