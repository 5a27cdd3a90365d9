import type { RootCauseType } from '../../domain/diagnosis.js';
import { hostPortIn, libpqHostPort, type LogFacts } from './extract.js';

/**
 * The ordered pattern table. The first pattern that matches a line decides that line's cause,
 * so order matters: a DNS lookup failure also says "dial tcp", an x509 error also names a
 * host:port, "exec ...: no such file" is a bad command before it is a missing file.
 *
 * tier `specific`: the line names a concrete cause. tier `exception`: the line is a crash
 * (panic, uncaught exception) without a more specific cause; it yields application_error.
 */
export type LogCauseType = Extract<
  RootCauseType,
  | 'bad_command'
  | 'oom_killed'
  | 'rbac_forbidden'
  | 'tls_certificate_error'
  | 'dns_resolution_failure'
  | 'dependency_unreachable'
  | 'permission_denied'
  | 'missing_configuration'
  | 'application_error'
>;

export interface LogPattern {
  id: string;
  type: LogCauseType;
  tier: 'specific' | 'exception';
  regex: RegExp;
  confidence: number;
  /** Names from the match; `next` are the few lines after it (libpq spreads host/port over them). */
  extract?: (m: RegExpExecArray, line: string, next: readonly string[]) => LogFacts;
}

const group = (i: number, key: keyof LogFacts) => (m: RegExpExecArray): LogFacts => (m[i] ? { [key]: m[i] } : {});
const hostPort = (m: RegExpExecArray, line: string): LogFacts => {
  if (m.groups?.host) return { host: m.groups.host, ...(m.groups.port ? { port: Number(m.groups.port) } : {}) };
  return hostPortIn(line) ?? {};
};
const hostPortOrLibpq = (m: RegExpExecArray, line: string, next: readonly string[]): LogFacts => {
  const own = hostPort(m, line);
  return own.host ? own : libpqHostPort([line, ...next]);
};

const p = (id: string, type: LogCauseType, regex: RegExp, confidence: number, extract?: LogPattern['extract']): LogPattern => ({
  id, type, tier: 'specific', regex, confidence, ...(extract ? { extract } : {}),
});
/** `quote: 'line'` quotes the whole match (`panic: ...`), else the first group (the exception without its preamble). */
const exception = (id: string, regex: RegExp, confidence = 0.8, quote: 'group' | 'line' = 'group'): LogPattern => ({
  id, type: 'application_error', tier: 'exception', regex, confidence, extract: (m) => ({ detail: (quote === 'line' ? m[0] : (m[1] ?? m[0])).trim() }),
});

export const LOG_PATTERNS: readonly LogPattern[] = [
  // bad command: the runtime could not start the process
  p('exec-not-in-path', 'bad_command', /exec: "([^"]+)": executable file not found in \$PATH/, 0.95, group(1, 'file')),
  p('exec-no-such-file', 'bad_command', /exec (\/[^\s:]+): no such file or directory/, 0.92, group(1, 'file')),
  p('exec-format', 'bad_command', /exec format error/, 0.9),
  p('shell-not-found', 'bad_command', /^(?:\/bin\/)?(?:sh|bash|ash|dash): (?:\d+: |line \d+: )?([^\s:]+): (?:command )?not found/, 0.88, group(1, 'file')),

  // out of memory inside the runtime (the kernel OOM killer is read from the container state)
  p('node-heap-oom', 'oom_killed', /JavaScript heap out of memory/, 0.9, () => ({ detail: 'JavaScript heap out of memory' })),
  p('java-oom', 'oom_killed', /java\.lang\.OutOfMemoryError(?:: ([^\n]+))?/, 0.9, (m) => ({ detail: `java.lang.OutOfMemoryError${m[1] ? `: ${m[1]}` : ''}` })),
  p('go-oom', 'oom_killed', /fatal error: runtime: out of memory/, 0.9, () => ({ detail: 'runtime: out of memory' })),
  p('dotnet-oom', 'oom_killed', /System\.OutOfMemoryException/, 0.88, () => ({ detail: 'System.OutOfMemoryException' })),
  p('python-oom', 'oom_killed', /^MemoryError\b|failed to allocate memory \(NoMemoryError\)/, 0.85, (m) => ({ detail: m[0] })),

  // Kubernetes API RBAC
  p('rbac-forbidden', 'rbac_forbidden',
    /forbidden: User "([^"]+)" cannot ([\w-]+) resource "([^"]+)"(?: in API group "[^"]*")?(?: in the namespace "[^"]+"| at the cluster scope)?/, 0.95,
    (m) => ({ user: m[1] ?? '', verb: m[2] ?? '', resource: m[3] ?? '' })),

  // TLS
  p('x509-unknown-authority', 'tls_certificate_error', /x509: certificate signed by unknown authority/, 0.93, (m, l) => ({ ...hostPortIn(l), detail: m[0] })),
  p('x509-expired', 'tls_certificate_error', /x509: certificate has expired or is not yet valid[^"]*/, 0.93, (m, l) => ({ ...hostPortIn(l), detail: m[0] })),
  p('x509-name-mismatch', 'tls_certificate_error', /x509: certificate is valid for [^,]+(?:, [^,]+)*, not [\w.-]+/, 0.92, (m, l) => ({ ...hostPortIn(l), detail: m[0] })),
  p('cert-expired', 'tls_certificate_error', /CERT_HAS_EXPIRED|certificate has expired/i, 0.9, (m, l) => ({ ...hostPortIn(l), detail: m[0] })),
  p('pkix', 'tls_certificate_error', /PKIX path building failed|unable to find valid certification path/, 0.9, (m, l) => ({ ...hostPortIn(l), detail: m[0] })),
  p('ssl-verify', 'tls_certificate_error',
    /CERTIFICATE_VERIFY_FAILED|certificate verify failed|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|self[- ]signed certificate|remote certificate is invalid/, 0.88,
    (m, l) => ({ ...hostPortIn(l), detail: m[0] })),

  // DNS
  p('node-enotfound', 'dns_resolution_failure', /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)/, 0.93, group(1, 'host')),
  p('go-no-such-host', 'dns_resolution_failure', /lookup ([\w.-]+)(?: on [\w.:[\]]+)?: (?:no such host|server misbehaving)/, 0.93, group(1, 'host')),
  p('go-lookup-timeout', 'dns_resolution_failure', /lookup ([\w.-]+) on [\w.:[\]]+: read udp [^ ]+->[^ ]+: i\/o timeout/, 0.88, group(1, 'host')),
  p('java-unknown-host', 'dns_resolution_failure', /java\.net\.UnknownHostException: ([\w.-]+)/, 0.92, group(1, 'host')),
  p('libpq-translate', 'dns_resolution_failure', /could not translate host name "([^"]+)" to address/, 0.93, group(1, 'host')),
  p('resolver-generic', 'dns_resolution_failure',
    /Name or service not known|Temporary failure in name resolution|nodename nor servname provided|No such host is known|Name does not resolve/, 0.85,
    (_m, l) => {
      const host = /host='([^']+)'/.exec(l)?.[1] ?? /Failed to resolve '([^']+)'/.exec(l)?.[1] ?? /\(([\w.-]+):\d+\)/.exec(l)?.[1];
      return host ? { host } : {};
    }),

  // dependency unreachable: connection refused / timeouts to host:port
  p('errno-host-port', 'dependency_unreachable',
    /\b(?:ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\s+\[?(?<host>[\w.:-]+?)\]?:(?<port>\d{1,5})\b/, 0.93, hostPort),
  p('go-dial', 'dependency_unreachable',
    /dial tcp (?<host>[\w.-]+|\[[\da-f:]+\]):(?<port>\d{1,5}): (?:connect: )?(?:connection refused|i\/o timeout|connection timed out|no route to host|connection reset by peer)/, 0.93, hostPort),
  p('libpq-connection-to-server', 'dependency_unreachable',
    /connection to server at "(?<host>[^"]+)"(?: \([\d.a-f:]+\))?, port (?<port>\d+) failed: (?:Connection refused|timeout expired|Operation timed out)/i, 0.93, hostPort),
  p('libpq-could-not-connect', 'dependency_unreachable', /could not connect to server: (?:Connection refused|Connection timed out)/, 0.9, hostPortOrLibpq),
  p('refused-host-port', 'dependency_unreachable', /Connection refused: (?<host>[\w.-]+)(?:\/[\d.]+)?:(?<port>\d{1,5})/, 0.93, hostPort),
  p('jdbc-refused', 'dependency_unreachable', /Connection to (?<host>[\w.-]+):(?<port>\d{1,5}) refused/, 0.93, hostPort),
  p('redis-ruby', 'dependency_unreachable', /Error connecting to Redis on (?<host>[\w.-]+):(?<port>\d{1,5}) \((?:Errno::)?(?:ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH)\)/, 0.93, hostPort),
  p('netcat', 'dependency_unreachable',
    /connect to (?<host>[\w.-]+)(?: \([\d.a-f:]+\))? port (?<port>\d{1,5}) \(tcp\) failed: (?:Connection refused|Connection timed out|No route to host)/, 0.9, hostPort),
  p('busybox-netcat', 'dependency_unreachable', /nc: (?<host>[\w.-]+) \([\d.]+:(?<port>\d{1,5})\): (?:Connection refused|Connection timed out)/, 0.9, hostPort),
  p('failed-to-connect', 'dependency_unreachable', /Failed to connect to (?<host>[\w.-]+)(?::| port )(?<port>\d{1,5})/, 0.88, hostPort),
  p('python-urllib3', 'dependency_unreachable',
    /HTTPS?ConnectionPool\(host='(?<host>[^']+)', port=(?<port>\d+)\).*(?:Connection refused|timed out|Failed to establish a new connection)/, 0.9, hostPort),
  p('java-connect-exception', 'dependency_unreachable', /java\.net\.(?:ConnectException|SocketTimeoutException|NoRouteToHostException): (?:Connection refused|connect timed out|Connection timed out|No route to host)/, 0.88, hostPortOrLibpq),
  p('dotnet-socket', 'dependency_unreachable', /SocketException \(\d+\): (?:Connection refused|Connection timed out)/, 0.88, hostPort),
  p('generic-refused', 'dependency_unreachable', /\b(?:Connection refused|connection refused|ECONNREFUSED|Connection timed out|connection timed out)\b/, 0.75, hostPortOrLibpq),

  // permission denied on files
  p('node-eacces', 'permission_denied', /EACCES: permission denied, \w+ '([^']+)'/, 0.93, group(1, 'file')),
  p('python-permission', 'permission_denied', /PermissionError: \[Errno 13\] Permission denied: '([^']+)'/, 0.93, group(1, 'file')),
  p('java-access-denied', 'permission_denied', /java\.nio\.file\.AccessDeniedException: (\S+)/, 0.92, group(1, 'file')),
  p('ruby-eacces', 'permission_denied', /Errno::EACCES: Permission denied @ \w+ - (\S+)/, 0.92, group(1, 'file')),
  p('dotnet-access', 'permission_denied', /Access to the path '([^']+)' is denied/, 0.92, group(1, 'file')),
  p('go-permission', 'permission_denied', /(?:open|mkdir|stat|create|remove|chmod|chown|lstat|mkdirat) (\/[^\s:]*): permission denied/, 0.92, group(1, 'file')),
  p('generic-permission', 'permission_denied', /\b[Pp]ermission denied\b/, 0.7, (_m, l) => {
    const file = /(\/[\w.\/-]+)/.exec(l)?.[1];
    return file ? { file } : {};
  }),

  // missing configuration
  p('env-not-set', 'missing_configuration',
    /[Ee]nvironment variable "?([A-Z][A-Z0-9_]+)"? (?:is )?(?:not set|required|must be set|missing|undefined|not defined|is empty)/, 0.93, group(1, 'envVar')),
  p('missing-env', 'missing_configuration',
    /(?:[Mm]issing|[Rr]equired) (?:required )?(?:env|ENV|[Ee]nvironment)(?: var(?:iable)?)?s?:? "?`?([A-Z][A-Z0-9_]+)\b/, 0.92, group(1, 'envVar')),
  p('var-not-set', 'missing_configuration', /\b([A-Z][A-Z0-9]*_[A-Z0-9_]+) (?:env(?:ironment)? var(?:iable)? )?(?:is )?(?:not set|must be set|is required|is missing|is undefined)/, 0.9, group(1, 'envVar')),
  p('python-keyerror', 'missing_configuration', /KeyError: '([A-Z][A-Z0-9_]+)'/, 0.9, group(1, 'envVar')),
  p('ruby-keyerror', 'missing_configuration', /key not found: "([A-Z][A-Z0-9_]+)" \(KeyError\)|KeyError: key not found: "([A-Z][A-Z0-9_]+)"/, 0.9,
    (m) => ({ envVar: m[1] ?? m[2] ?? '' })),
  p('envconfig', 'missing_configuration', /required key ([A-Z][A-Z0-9_]+) missing value/, 0.92, group(1, 'envVar')),
  p('spring-placeholder', 'missing_configuration', /Could not resolve placeholder '([^']+)'/, 0.9, group(1, 'envVar')),
  p('rails-secret-key-base', 'missing_configuration', /Missing `(secret_key_base)` for '\w+' environment/, 0.9, () => ({ envVar: 'SECRET_KEY_BASE' })),
  p('dotnet-null-connection-string', 'missing_configuration', /Value cannot be null\. \(Parameter '(\w*[Cc]onnection[Ss]tring\w*)'\)/, 0.85, group(1, 'envVar')),
  p('config-file-not-found', 'missing_configuration', /config(?:uration)? file (?:not found|does not exist|missing):? "?([^\s"]+?)"?(?:\s|$)/i, 0.92, group(1, 'file')),
  p('node-enoent', 'missing_configuration', /ENOENT: no such file or directory, (?:open|stat|scandir) '([^']+)'/, 0.88, group(1, 'file')),
  p('python-file-not-found', 'missing_configuration', /FileNotFoundError: \[Errno 2\] No such file or directory: '([^']+)'/, 0.88, group(1, 'file')),
  p('java-file-not-found', 'missing_configuration', /java\.io\.FileNotFoundException: (\S+) \(No such file or directory\)/, 0.88, group(1, 'file')),
  p('go-open-missing', 'missing_configuration', /open (\/[^\s:]+): no such file or directory/, 0.88, group(1, 'file')),

  // crashes without a more specific cause
  exception('go-panic', /^panic: (.+)/, 0.85, 'line'),
  exception('go-fatal', /^fatal error: (.+)/, 0.82, 'line'),
  exception('java-main', /Exception in thread "[^"]+" (\S.*)/, 0.85),
  exception('dotnet-unhandled', /Unhandled exception\. (.+)/, 0.85),
  exception('node-uncaught', /Uncaught ((?:\w+Error|\w+Exception)\b.*)/, 0.85),
  exception('node-unhandled-rejection', /(UnhandledPromiseRejection\w*:?.*)/, 0.8),
  exception('ruby-exception', /^\S+\.rb:\d+:in `[^']+': (.+ \([A-Z]\w*(?:::\w+)*\))$/, 0.82),
  exception('qualified-exception', /^((?:Caused by: )?(?:[a-z_][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)(?::\s.*)?)$/, 0.8),
  exception('plain-exception', /^([A-Z]\w*(?:Error|Exception): .+)$/, 0.78),
  exception('structured-fatal', /(\blevel=(?:fatal|panic)\b.*|"level":\s*"(?:fatal|panic)".*|^(?:FATAL|CRITICAL)\b.*)/, 0.72),
];
