import { describe, expect, it } from 'vitest';
import { classifyContainerLogs, classifyLines } from '../../../src/investigator/logs/classify.js';

/** One table row per classifier: real-looking lines from Go, Java, Python, Node, Ruby and .NET services. */
interface Row {
  name: string;
  lines: string[];
  type: string | undefined;
  facts?: Record<string, string | number>;
  /** The line quoted as evidence. */
  quoted?: string;
}

const ROWS: Row[] = [
  // dependency unreachable, host:port extracted
  { name: 'node ECONNREFUSED', lines: ['Error: connect ECONNREFUSED 10.96.1.2:5432', '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)'], type: 'dependency_unreachable', facts: { host: '10.96.1.2', port: 5432 } },
  { name: 'go dial refused', lines: ['2025/03/14 10:00:00 redis: dial tcp 10.0.0.5:6379: connect: connection refused'], type: 'dependency_unreachable', facts: { host: '10.0.0.5', port: 6379 } },
  { name: 'go dial i/o timeout', lines: ['level=error msg="dial tcp 10.20.0.9:9200: i/o timeout"'], type: 'dependency_unreachable', facts: { host: '10.20.0.9', port: 9200 } },
  { name: 'psycopg2 multi-line', lines: ['psycopg2.OperationalError: could not connect to server: Connection refused', '\tIs the server running on host "postgres" (10.96.1.2) and accepting', '\tTCP/IP connections on port 5432?'], type: 'dependency_unreachable', facts: { host: 'postgres', port: 5432 }, quoted: 'psycopg2.OperationalError: could not connect to server: Connection refused' },
  { name: 'libpq 15 format', lines: ['sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db.prod.svc" (10.1.2.3), port 5432 failed: Connection refused'], type: 'dependency_unreachable', facts: { host: 'db.prod.svc', port: 5432 } },
  { name: 'java ConnectException bare', lines: ['Caused by: java.net.ConnectException: Connection refused'], type: 'dependency_unreachable' },
  { name: 'netty annotated', lines: ['io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: postgres.production.svc/10.96.1.2:5432'], type: 'dependency_unreachable', facts: { host: 'postgres.production.svc', port: 5432 } },
  { name: 'plain connection refused host:port', lines: ['ERROR Connection refused: postgres.production.svc:5432'], type: 'dependency_unreachable', facts: { host: 'postgres.production.svc', port: 5432 } },
  { name: 'jdbc refused', lines: ['org.postgresql.util.PSQLException: Connection to billing-db:5432 refused. Check that the hostname and port are correct'], type: 'dependency_unreachable', facts: { host: 'billing-db', port: 5432 } },
  { name: 'ruby redis', lines: ['Error connecting to Redis on redis:6379 (Errno::ECONNREFUSED) (Redis::CannotConnectError)'], type: 'dependency_unreachable', facts: { host: 'redis', port: 6379 } },
  { name: 'python requests', lines: ["requests.exceptions.ConnectionError: HTTPConnectionPool(host='inventory', port=8080): Max retries exceeded with url: /stock (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))"], type: 'dependency_unreachable', facts: { host: 'inventory', port: 8080 } },
  { name: '.NET Npgsql', lines: ['Npgsql.NpgsqlException (0x80004005): Failed to connect to 10.96.1.2:5432'], type: 'dependency_unreachable', facts: { host: '10.96.1.2', port: 5432 } },
  { name: 'OpenBSD netcat with the address it resolved', lines: ['nc: connect to rabbitmq.shop.svc (10.100.44.4) port 5672 (tcp) failed: Connection refused'], type: 'dependency_unreachable', facts: { host: 'rabbitmq.shop.svc', address: '10.100.44.4', port: 5672 } },
  { name: 'IP enriched with the service name of an earlier line', lines: ['ERROR Connection refused: postgres.production.svc:5432 - giving up', 'Error: connect ECONNREFUSED 10.96.1.2:5432', "  code: 'ECONNREFUSED',"], type: 'dependency_unreachable', facts: { host: 'postgres.production.svc', port: 5432, address: '10.96.1.2' } },
  // DNS
  { name: 'node ENOTFOUND', lines: ['Error: getaddrinfo ENOTFOUND redis-master'], type: 'dns_resolution_failure', facts: { host: 'redis-master' } },
  { name: 'go no such host', lines: ['dial tcp: lookup payments on 10.96.0.10:53: no such host'], type: 'dns_resolution_failure', facts: { host: 'payments' } },
  { name: 'python gaierror', lines: ['socket.gaierror: [Errno -2] Name or service not known'], type: 'dns_resolution_failure' },
  { name: 'java UnknownHost', lines: ['java.net.UnknownHostException: kafka-0.kafka'], type: 'dns_resolution_failure', facts: { host: 'kafka-0.kafka' } },
  { name: 'libpq translate', lines: ['psql: error: could not translate host name "pg-primary" to address: Name or service not known'], type: 'dns_resolution_failure', facts: { host: 'pg-primary' } },
  // TLS
  { name: 'go x509 unknown authority', lines: ['Get "https://vault:8200/v1/sys/health": x509: certificate signed by unknown authority'], type: 'tls_certificate_error', facts: { host: 'vault', port: 8200 } },
  { name: 'go x509 expired', lines: ['x509: certificate has expired or is not yet valid: current time 2025-03-14T10:00:00Z is after 2025-03-01T00:00:00Z'], type: 'tls_certificate_error' },
  { name: 'java PKIX', lines: ['javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target'], type: 'tls_certificate_error' },
  { name: 'node CERT_HAS_EXPIRED', lines: ["Error: certificate has expired", "  code: 'CERT_HAS_EXPIRED'"], type: 'tls_certificate_error' },
  // permission denied
  { name: 'node EACCES', lines: ["Error: EACCES: permission denied, open '/data/app.db'"], type: 'permission_denied', facts: { file: '/data/app.db' } },
  { name: 'go open permission denied', lines: ['open /var/lib/app/state.json: permission denied'], type: 'permission_denied', facts: { file: '/var/lib/app/state.json' } },
  { name: 'python PermissionError', lines: ["PermissionError: [Errno 13] Permission denied: '/var/log/app/app.log'"], type: 'permission_denied', facts: { file: '/var/log/app/app.log' } },
  { name: 'java AccessDenied', lines: ['java.nio.file.AccessDeniedException: /opt/app/tmp'], type: 'permission_denied', facts: { file: '/opt/app/tmp' } },
  // RBAC (before "forbidden"/"permission" matches)
  { name: 'client-go forbidden', lines: ['pods is forbidden: User "system:serviceaccount:ops:reporter" cannot list resource "pods" in API group "" at the cluster scope'], type: 'rbac_forbidden', facts: { user: 'system:serviceaccount:ops:reporter', verb: 'list', resource: 'pods' } },
  // missing configuration
  { name: 'env var not set', lines: ['FATAL: environment variable STRIPE_API_KEY is not set'], type: 'missing_configuration', facts: { envVar: 'STRIPE_API_KEY' } },
  { name: 'python KeyError', lines: ['Traceback (most recent call last):', '  File "/app/main.py", line 3, in <module>', "KeyError: 'DATABASE_URL'"], type: 'missing_configuration', facts: { envVar: 'DATABASE_URL' } },
  { name: 'node missing required env', lines: ['Error: Missing required environment variable: JWT_SECRET'], type: 'missing_configuration', facts: { envVar: 'JWT_SECRET' } },
  { name: 'go envconfig', lines: ['envconfig: required key DATABASE_DSN missing value'], type: 'missing_configuration', facts: { envVar: 'DATABASE_DSN' } },
  { name: 'spring placeholder', lines: ["java.lang.IllegalArgumentException: Could not resolve placeholder 'db.url' in value \"${db.url}\""], type: 'missing_configuration', facts: { envVar: 'db.url' } },
  { name: 'config file not found', lines: ['config file not found: /etc/app/config.yaml'], type: 'missing_configuration', facts: { file: '/etc/app/config.yaml' } },
  { name: 'go open no such file', lines: ['open /etc/x/settings.toml: no such file or directory'], type: 'missing_configuration', facts: { file: '/etc/x/settings.toml' } },
  { name: 'rails secret_key_base', lines: ["ArgumentError: Missing `secret_key_base` for 'production' environment, set this string with `bin/rails credentials:edit` (ArgumentError)"], type: 'missing_configuration', facts: { envVar: 'SECRET_KEY_BASE' } },
  { name: '.NET null connection string', lines: ["System.ArgumentNullException: Value cannot be null. (Parameter 'connectionString')"], type: 'missing_configuration', facts: { envVar: 'connectionString' } },
  // application errors, the exception line quoted
  { name: 'go panic', lines: ['panic: runtime error: invalid memory address or nil pointer dereference', '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b1c]', '', 'goroutine 1 [running]:'], type: 'application_error', facts: { detail: 'panic: runtime error: invalid memory address or nil pointer dereference' } },
  { name: 'java main thread', lines: ['Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null', '\tat com.example.App.main(App.java:12)'], type: 'application_error', facts: { detail: 'java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null' } },
  { name: 'python traceback', lines: ['Traceback (most recent call last):', '  File "/app/worker.py", line 40, in <module>', "ValueError: invalid literal for int() with base 10: 'abc'"], type: 'application_error', facts: { detail: "ValueError: invalid literal for int() with base 10: 'abc'" } },
  { name: 'node uncaught TypeError', lines: ["Uncaught TypeError: Cannot read properties of undefined (reading 'id')"], type: 'application_error' },
  { name: 'node unhandled rejection', lines: ['[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block.]'], type: 'application_error' },
  { name: '.NET unhandled', lines: ['Unhandled exception. System.InvalidOperationException: Sequence contains no elements'], type: 'application_error', facts: { detail: 'System.InvalidOperationException: Sequence contains no elements' } },
  { name: 'ruby exception', lines: ["/app/lib/worker.rb:12:in `perform': undefined method `each' for nil:NilClass (NoMethodError)"], type: 'application_error' },
  // OOM in the runtime
  { name: 'node heap OOM', lines: ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'], type: 'oom_killed' },
  { name: 'java OOM', lines: ['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'], type: 'oom_killed', facts: { detail: 'java.lang.OutOfMemoryError: Java heap space' } },
  // bad command
  { name: 'exec not in PATH', lines: ['exec: "gunicornn": executable file not found in $PATH'], type: 'bad_command', facts: { file: 'gunicornn' } },
  { name: 'exec no such file', lines: ['exec /app/server: no such file or directory'], type: 'bad_command', facts: { file: '/app/server' } },
  // nothing to classify
  { name: 'access logs only', lines: ['10.0.0.1 - - [14/Mar/2025:10:00:00 +0000] "GET /health HTTP/1.1" 200 2', 'INFO worker ready'], type: undefined },
  { name: 'error words without a crash', lines: ['INFO retrying request, 0 errors so far'], type: undefined },
];

describe('log classifiers', () => {
  it.each(ROWS)('$name', (row) => {
    const match = classifyLines(row.lines);
    expect(match?.type).toBe(row.type);
    if (!match) return;
    expect(row.lines).toContain(match.line);
    for (const l of match.evidenceLines) expect(row.lines).toContain(l);
    if (row.facts) expect(match.facts).toMatchObject(row.facts);
    if (row.quoted) expect(match.evidenceLines[0]).toBe(row.quoted);
  });

  it('prefers the last failure before the exit: a newer panic beats an older refused connection', () => {
    const m = classifyLines(['redis: dial tcp 10.0.0.5:6379: connect: connection refused', 'redis: connected', 'panic: boom']);
    expect(m?.type).toBe('application_error');
    expect(m?.line).toBe('panic: boom');
  });

  it('strips timestamps before anchored patterns', () => {
    expect(classifyLines(['2025-03-14T10:00:00.123Z panic: boom'])?.type).toBe('application_error');
    expect(classifyLines(['[2025-03-14T10:00:00Z] panic: boom'])?.type).toBe('application_error');
  });

  it('takes the newer failure of the current instance over the previous one, and the previous one when they agree', () => {
    const log = (previous: boolean, lines: string[]) => ({ namespace: 'ns', pod: 'p', container: 'c', previous, lines });
    const newer = classifyContainerLogs(log(false, ['Error: Missing required environment variable: JWT_SECRET']), log(true, ['Error: connect ECONNREFUSED 10.1.1.1:6379']));
    expect(newer).toMatchObject({ type: 'missing_configuration', previous: false });
    const same = classifyContainerLogs(log(false, ['Error: connect ECONNREFUSED 10.1.1.1:6379 (retrying)']), log(true, ['Error: connect ECONNREFUSED 10.1.1.1:6379']));
    expect(same).toMatchObject({ type: 'dependency_unreachable', previous: true });
    expect(classifyContainerLogs(log(false, ['all good']), log(true, ['panic: x']))).toMatchObject({ type: 'application_error', previous: true });
    expect(classifyContainerLogs(undefined, undefined)).toBeUndefined();
  });
});
