import { firstGroup, kubernetesRequest, type LogFacts } from './extract.js';
import { specific, type LogPattern } from './pattern-kit.js';

/**
 * Access refused: by the Kubernetes API (rbac_forbidden) or by the file system
 * (permission_denied). RBAC comes first: its messages also say "forbidden" and "denied".
 */
export const RBAC_PATTERNS: readonly LogPattern[] = [
  // The API server's message, also logrus-escaped (`User \"x\"`) and in the pre-1.11 wording without `resource "…"`.
  specific('rbac-forbidden', 'rbac_forbidden', /forbidden|cannot/i, [
    /forbidden: User \\*"(?<user>[^"\\]+)\\*" cannot (?<verb>[\w-]+) (?:resource \\*"(?<resource>[^"\\]+)\\*"|(?<resource2>[\w.-]+))/,
    // The same message without its `… is forbidden:` head, as client libraries pass it on.
    /\bUser \\*"(?<user>system:serviceaccount:[^"\\]+)\\*" cannot (?<verb>[\w-]+) (?:resource \\*"(?<resource>[^"\\]+)\\*"|(?<resource2>[\w.-]+)) (?:in (?:the )?namespace|at the cluster scope)/,
  ], 0.95, (m) => {
    const g = m.groups ?? {};
    return { user: g.user ?? '', verb: g.verb ?? '', resource: g.resource ?? g.resource2 ?? '' };
  }),
  // A 403 from the API server as client libraries report it: fabric8, the Java and Python clients, plain HTTP clients.
  specific('kubernetes-api-forbidden', 'rbac_forbidden', /forbidden|403/i, [
    /Failure executing: (?<method>[A-Z]+) at: (?<url>\S+?)\.? Message: Forbidden/,
    /\bApiException: (?:\(403\)|Forbidden)/,
    /\b403\b.*\bForbidden\b.*?(?<url>https?:\/\/[^\s'")]+\/apis?\/[^\s'")]+)/,
  ], 0.85, (m) => (m.groups?.url ? kubernetesRequest(m.groups.url, m.groups.method) : {})),
];

const path = (m: RegExpExecArray): LogFacts => {
  const file = m.groups?.file ?? firstGroup(m);
  return file ? { file: file.trim() } : {};
};

export const PERMISSION_PATTERNS: readonly LogPattern[] = [
  specific('node-eacces', 'permission_denied', /EACCES/, [/EACCES: permission denied, \w+ '(?<file>[^']+)'/], 0.93, path),
  specific('python-permission', 'permission_denied', /PermissionError/, [/PermissionError: \[Errno 13\] Permission denied: '(?<file>[^']+)'/], 0.93, path),
  specific('java-access-denied', 'permission_denied', /AccessDenied/, [/AccessDeniedException: (?<file>.+?)\s*$/], 0.92, path),
  specific('ruby-eacces', 'permission_denied', /EACCES/, [/Errno::EACCES: Permission denied (?:@ \w+ )?- (?<file>[^\s>]+)/], 0.92, path),
  specific('dotnet-access', 'permission_denied', /Access to the path/, [/Access to the path ['"](?<file>[^'"]+)['"] is denied/], 0.92, path),
  // Go's os errors (`open x: permission denied`), also on a read-only mount (`remove x: read-only file system`).
  specific('go-permission', 'permission_denied', /permission denied|read-only file system/, [/\b(?:open|mkdir|stat|create|remove|chmod|chown|lstat|mkdirat|openat|rename|unlink) (?<file>[^\s:"]+): (?:permission denied|read-only file system)/], 0.92, path),
  // EACCES, EPERM and EROFS on a named path: coreutils and busybox (`chown: /app/data: Operation not permitted`),
  // nginx (`mkdir() "/var/cache/nginx" failed (13: Permission denied)`), shell redirections, Rust, Java's FileNotFoundException.
  specific('path-not-permitted', 'permission_denied', /Permission denied|not permitted|Read-only file system|Access is denied/, [
    /['"‘](?<file>\.{0,2}\/?[^'"’\s][^'"’]*)['"’]:? (?:failed )?\(?(?:13: |1: |30: )?(?:Permission denied|Operation not permitted|Read-only file system)\)?/,
    /(?:^|\s)(?<file>\.{0,2}\/[^\s:'"]+): (?:Permission denied|Operation not permitted|Read-only file system)\b/,
    /FileNotFoundException: (?<file>\S+) \((?:Permission denied|Access is denied)\)/,
    // Apache's `(13)Permission denied: AH00099: could not create /usr/local/apache2/logs/httpd.pid`
    /\(13\)Permission denied: AH\d+: could not (?:create|open) (?<file>\/\S+)/,
  ], 0.88, path),
  // A port below 1024 bound by a user that is not root (runAsNonRoot, a USER in the image) without NET_BIND_SERVICE:
  // nginx, Apache (`make_sock: could not bind to address 0.0.0.0:80`), lighttpd.
  specific('privileged-port', 'permission_denied', /Permission denied/, [
    /\bbind\(\) to \S+:(?<port>\d{1,5}) failed \(13: Permission denied\)/,
    /\(13\)Permission denied: AH00072: make_sock: could not bind to address \S+:(?<port>\d{1,5})/,
    /\bbind\(\) \S+:(?<port>\d{1,5}): Permission denied/,
  ], 0.88, (m) => {
    const port = Number(m.groups?.port);
    return { port, detail: port < 1024 ? `binding port ${port} needs root or the NET_BIND_SERVICE capability` : `binding port ${port} was refused` };
  }),
  // PostgreSQL refuses a data directory owned by another user (a volume mounted with the wrong owner or fsGroup).
  specific('wrong-ownership', 'permission_denied', /wrong ownership/, [/\bdata directory "(?<file>[^"]+)" has wrong ownership/], 0.9, path),
  // The errno text alone (no path the process was denied; a path in the line may be the source file, not the target).
  // Not SSH's `(publickey)` nor a database privilege (`permission denied for table`): those are no file access.
  // The errno alone; Rust's io::ErrorKind names (`kind: ReadOnlyFilesystem`, `PermissionDenied`) too.
  specific('permission-denied', 'permission_denied', /Permission ?denied|ReadOnlyFilesystem/i, [/\b[Pp]ermission denied\b(?! \(publickey| for (?:table|schema|relation|database|sequence|function|view)\b| to create)|\bPermissionDenied\b|\bReadOnlyFilesystem\b/], 0.7),
];
