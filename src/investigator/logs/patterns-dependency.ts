import { HOST_PORT_GROUP, hostPortIn, parseHostPort, type LogFacts } from './extract.js';
import { hostPort, hostPortOrLibpq, merge, quoted, specific, type LogPattern } from './pattern-kit.js';

/**
 * A dependency answers slowly (dependency_slow) or cannot be reached at all
 * (dependency_unreachable). Slow comes first: a read timeout also says "timed out", and
 * nginx's upstream read timeout even says "Connection timed out".
 */

const HP = HOST_PORT_GROUP;
const re = (source: string): RegExp => new RegExp(source);

const upstream = (_m: RegExpExecArray, line: string): LogFacts => {
  const u = /upstream: "(?:\w+:\/\/)?([^"/]+)/.exec(line)?.[1];
  return u ? parseHostPort(u) : {};
};
const duration = (m: RegExpExecArray): LogFacts => (m.groups?.dur ? { duration: m.groups.dur } : {});
const peer = (_m: RegExpExecArray, line: string): LogFacts => hostPortIn(line) ?? {};

/**
 * Clients that gave up finding a server to connect to, worded as a timeout: read before the slow
 * family (whose `timed out after 30000 ms` they also say), they are no slow answer but no answer at all.
 * The MongoDB drivers' server selection (Node `MongoServerSelectionError`/`MongoTimeoutError: Server
 * selection timed out after 30000 ms`): no server of the deployment could be reached in that time.
 */
export const CONNECT_TIMEOUT_PATTERNS: readonly LogPattern[] = [
  specific('server-selection-timeout', 'dependency_unreachable', /[Ss]erver selection timed out/, [
    /\b[Ss]erver selection timed out after (?<dur>\d+ ?ms)/,
  ], 0.85, merge(quoted, peer)),
];

export const SLOW_PATTERNS: readonly LogPattern[] = [
  // nginx: the upstream accepted the connection and then did not answer in time.
  specific('upstream-timeout', 'dependency_slow', /upstream timed out/, [/upstream timed out \(110: (?:Connection|Operation) timed out\) while (?:reading|sending)/], 0.88, merge(quoted, upstream)),
  // The request went out and the answer did not come back in time: requests/urllib3, Go's net/http.
  // redis-py waiting on a reply past socket_timeout (`redis.exceptions.TimeoutError: Timeout reading from socket`).
  specific('http-read-timeout', 'dependency_slow', /Read ?time|ESOCKETTIMEDOUT|awaiting (?:response )?headers|Timeout reading/i, [
    /\bRead timed out\b|\bReadTimeout(?:Error)?\b|\bESOCKETTIMEDOUT\b|\bTimeout reading from socket\b/,
    /Client\.Timeout exceeded while awaiting headers|timeout awaiting response headers/,
  ], 0.85, merge((m, line) => ({ detail: /Read timed out\.?(?: \(read timeout=[\d.]+\))?/.exec(line)?.[0] ?? m[0] }), peer)),
  // Every pooled connection is busy with slow work: HikariCP, Knex, SQLAlchemy's QueuePool (its timeout in seconds).
  specific('pool-timeout', 'dependency_slow', /timed out after|Timeout acquiring|QueuePool limit/, [
    /Connection is not available, request timed out after (?<dur>\d+ ?ms)/,
    /Timeout acquiring a connection\. The pool is probably full/,
    /QueuePool limit of size \d+ overflow \d+ reached, connection timed out, timeout (?<secs>[\d.]+)/,
  ], 0.85, merge(quoted, duration, (m) => (m.groups?.secs ? { duration: `${Number(m.groups.secs)} s` } : {}))),
  specific('statement-timeout', 'dependency_slow', /statement timeout|statement execution time|Lock wait timeout/, [/canceling statement due to statement timeout|maximum statement execution time exceeded|Lock wait timeout exceeded/], 0.85, quoted),
  // StackExchange.Redis: `Timeout performing GET (5000ms)`.
  specific('command-timeout', 'dependency_slow', /Timeout performing/, [/Timeout performing \w+(?: \((?<dur>\d+ ?ms)\))?/], 0.85, merge(quoted, duration)),
  // A request sent on an open connection that got no answer within the client's timeout: lettuce (`Command timed
  // out after 1 minute(s)`), the Apache async HTTP client under the Elasticsearch REST client (`30,000 milliseconds
  // timeout on connection http-outgoing-0 [ACTIVE]`: ACTIVE is a request in flight, not a connect).
  // axios giving up on a response (`Error: timeout of 120000ms exceeded`, code ECONNABORTED; lib/adapters/http.js).
  specific('request-timed-out', 'dependency_slow', /Command timed out|milliseconds timeout on connection|timeout of \d/, [
    /\bCommand timed out after (?<dur>\d+ (?:second|minute|millisecond)\(s\))/,
    /\b(?<dur>[\d,]+ milliseconds) timeout on connection http-outgoing-\d+ \[ACTIVE\]/,
    /\btimeout of (?<dur>\d+ms) exceeded/,
  ], 0.82, merge(quoted, duration)),
  // A server's slow-statement log (log_min_duration_statement, auto_explain): one second or more.
  specific('slow-query', 'dependency_slow', /duration: \d/, [/\bduration: (?<dur>\d{4,}(?:\.\d+)? ms)/], 0.7, merge(quoted, duration)),
  // etcd (and k3s/kine over it) warning that the disk or a request is slow: `"msg":"slow fdatasync","took":"7.45s"`.
  specific('etcd-slow', 'dependency_slow', /took too long|slow fdatasync|slow disk/, [
    /"msg":"(?<what>slow fdatasync|apply request took too long|[\w -]*took too long)"(?:,"took":"(?<dur>[\d.]+m?s)")?/,
  ], 0.82, (m) => ({ detail: `etcd: ${m.groups?.what ?? 'slow'}${m.groups?.dur ? ` (${m.groups.dur})` : ''}`, ...(m.groups?.dur ? { duration: m.groups.dur } : {}) })),
  // Drivers that give up after a deadline: Mongo server selection, Mongoose buffering. A *connect* timeout is unreachable.
  specific('timed-out-after', 'dependency_slow', /timed out after/, [/(?<![Cc]onnect(?:ion)? )\btimed out after (?<dur>\d+(?:\.\d+)? ?(?:ms|s|seconds|milliseconds))\b/], 0.8, merge(quoted, duration, peer)),
];

export const UNREACHABLE_PATTERNS: readonly LogPattern[] = [
  // libpq (psql, psycopg2, ruby-pg): the old message spreads host and port over the next lines.
  specific('libpq-connect', 'dependency_unreachable', /to server/, [
    /connection to server at "(?<host>[^"]+)"(?: \([\da-f.:]+\))?, port (?<port>\d+) failed: (?:Connection refused|timeout expired|Operation timed out|Connection timed out|No route to host)/i,
    /could not connect to server: (?:Connection refused|Connection timed out|No route to host|Operation timed out)/,
  ], 0.93, hostPortOrLibpq),
  // Node and most C clients: `connect ECONNREFUSED 10.0.0.5:6379`.
  specific('errno-host-port', 'dependency_unreachable', /E(?:CONN|TIMEDOUT|HOSTUNREACH|NETUNREACH)/, [re(String.raw`\b(?:ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)\s+${HP}`)], 0.93, hostPort),
  specific('go-dial', 'dependency_unreachable', /dial tcp/, [
    re(String.raw`dial tcp ${HP}: (?:connect: )?(?:connection refused|i/o timeout|connection timed out|no route to host|connection reset by peer|network is unreachable)`),
  ], 0.93, hostPort),
  // "<failed|unable|could not|can't|error> connect(ing) to <host:port>": Npgsql, curl, lettuce, redis-py,
  // redis-rb, redis-cli, the mysql client, netcat (OpenBSD `connect to x port n`, busybox `remote host (ip)`).
  specific('could-not-connect', 'dependency_unreachable', /connect/i, [
    re(String.raw`\b(?:(?:[Ff]ailed|[Uu]nable|[Cc]ould not|[Cc]annot|[Cc]an't|[Ee]rror(?: \d+)?) (?:to )?connect(?:ing)?|nc: connect) to (?:(?:Redis|MySQL server|remote host|server|database) (?:at |on )?)?(?:${HP}|['(\[](?<qhost>[\w.:-]+)[')\]]|"(?<dqhost>[\w.:-]+)",? port (?<qport>\d{1,5}))`),
  ], 0.9, (m, line, next) => {
    const { qhost, dqhost, qport } = m.groups ?? {};
    // python's `"::1", port 123`: the host as given (an IPv6 literal is no host:port), then the port
    if (dqhost) return { host: dqhost, port: Number(qport) };
    return qhost ? parseHostPort(qhost) : hostPort(m, line, next);
  }),
  // "connection to <host:port> refused / could not be established": pgjdbc, kubectl, Kafka, netty, node-redis.
  specific('connection-to-refused', 'dependency_unreachable', /refused|could not be established|Redis connection|connection attempt failed/, [
    re(String.raw`\b[Cc]onnection to (?:the server )?${HP} (?:was )?refused`),
    re(String.raw`\bConnection to node -?\d+(?: \(${HP}\))? could not be established`),
    re(String.raw`\bConnection refused: ${HP}`),
    re(String.raw`\bRedis connection to ${HP} failed`),
    // pgjdbc's wording for a connection it could not open (the cause, refused or timed out, follows as `Caused by:`)
    /\bPSQLException: The connection attempt failed\b/,
  ], 0.92, hostPort),
  // Ruby's Errno messages: `Cannot assign requested address - connect(2) for [::1]:6379`.
  specific('ruby-connect', 'dependency_unreachable', /connect\(2\)/, [
    re(String.raw`(?:Connection refused|Cannot assign requested address|Connection timed out|No route to host|Network is unreachable) - connect\(2\) for ${HP}`),
  ], 0.9, hostPort),
  specific('python-urllib3', 'dependency_unreachable', /ConnectionPool/, [
    /HTTPS?ConnectionPool\(host='(?<host>[^']+)', port=(?<port>\d+)\).*(?:Connection refused|timed out|Failed to establish a new connection|Connection reset|No route to host|Connection aborted)/,
  ], 0.9, hostPort),
  // The connection itself failed or timed out (reading after it connected is slow, above).
  specific('nginx-upstream-connect', 'dependency_unreachable', /while connecting to upstream/, [
    /connect\(\) failed \((?:111: Connection refused|113: No route to host|110: Connection timed out|101: Network is unreachable)\) while connecting to upstream/,
    /upstream timed out \(110: (?:Connection|Operation) timed out\) while connecting to upstream/,
  ], 0.9, upstream),
  // Wait scripts that gave up on a dependency: wait-for-it (`timeout occurred after waiting 30
  // seconds for db:5432`), dockerize (`Timeout after 1m0s waiting on dependencies to become
  // available: [tcp://db:5432]`), wait-for (`Operation timed out` after `waiting for db:5432`).
  specific('wait-script-timeout', 'dependency_unreachable', /waiting/, [
    re(String.raw`timeout occurred after waiting \d+ seconds for ${HP}`),
    re(String.raw`Timeout after \S+ waiting on dependencies to become available: \[(?:tcp|https?|unix)://${HP}`),
  ], 0.88, hostPort),
  // Mongo drivers that found no server to talk to (mgo, pymongo).
  specific('mongo-no-servers', 'dependency_unreachable', /reachable servers|No servers found/, [/no reachable servers|No servers found yet/], 0.85, peer),
  // MySQL Connector/J's wording for a connection it could not open.
  specific('mysql-communications', 'dependency_unreachable', /Communications link/, [/Communications link failure/], 0.85),
  specific('java-connect-exception', 'dependency_unreachable', /ConnectException|NoRouteToHost|SocketTimeout/, [
    /(?:ConnectException|NoRouteToHostException|SocketTimeoutException): (?:Connection refused|connect timed out|Connection timed out|No route to host)/,
  ], 0.88, hostPortOrLibpq),
  specific('dotnet-socket', 'dependency_unreachable', /SocketException/, [
    re(String.raw`SocketException(?: \(\d+\))?: (?:Connection refused|Connection timed out|No route to host|Network is unreachable|Address not available|Cannot assign requested address)(?: ${HP})?`),
  ], 0.88, hostPort),
  // Clients that tried every host of a cluster and reached none: the DataStax Cassandra drivers
  // (Java `All host(s) tried for query failed (tried: name/ip:port ...)`, Lua/Kong `All hosts tried for query failed. host: ...`).
  specific('all-hosts-failed', 'dependency_unreachable', /All host/, [
    /All host\(s\) tried for query failed \(tried: \/?(?<peer>[\w.-]+(?:\/[\d.]+)?(?::\d{1,5})?)/,
    /All hosts tried for query failed\. (?<peer>[\w.-]+(?::\d{1,5})?): Host considered DOWN/,
  ], 0.85, merge(quoted, (m) => {
    const p = /^(?:(?<name>[\w.-]+)\/)?(?<host>[\w.-]+?)(?::(?<port>\d+))?$/.exec(m.groups?.peer ?? '')?.groups;
    if (!p?.host) return {};
    const name = p.name && p.name !== p.host ? p.name : undefined;
    return { host: name ?? p.host, ...(name ? { address: p.host } : {}), ...(p.port ? { port: Number(p.port) } : {}) };
  })),
  // Clients that cannot reach any server of a cluster: Sarama (Kafka), SQL Server's client libraries.
  specific('no-server-reachable', 'dependency_unreachable', /available brokers|instance-specific error/, [
    /client has run out of available brokers to talk to/,
    /A network-related or instance-specific error occurred while establishing a connection to SQL Server/,
  ], 0.82, merge(quoted, peer)),
  // Clients that name the database they could not reach, in their own words: Prisma's P1001 (`Can't reach database
  // server at `db`:`5432``, newer releases `db:5432` in one pair of backticks), Python's asyncio (asyncpg,
  // aiohttp: `[Errno 111] Connect call failed ('127.0.0.1', 5432)`).
  specific('client-cannot-reach', 'dependency_unreachable', /reach database server|Connect call failed/, [
    /\bCan't reach database server at `(?<host>[^`:\s]+)(?:`:`|:)(?<port>\d{1,5})`/,
    /\bConnect call failed \('(?<host>[\w.:-]+)', (?<port>\d{1,5})/,
  ], 0.9, hostPort),
  // gRPC's UNAVAILABLE for a channel with no server to talk to (grpc-node `14 UNAVAILABLE: failed to connect to all
  // addresses`, `No connection established`, the older `Connect Failed`; Python's `details = "failed to connect to all
  // addresses"`), and Envoy (Istio, Contour) answering for an upstream it could not connect to
  // (`upstream connect error or disconnect/reset before headers. reset reason: connection failure`,
  // `… remote connection failure, transport failure reason: delayed connect error: 111`).
  specific('proxy-or-channel-unavailable', 'dependency_unreachable', /UNAVAILABLE|failed to connect to all addresses|upstream connect error/, [
    /\b14 UNAVAILABLE: (?:failed to connect to all addresses|No connection established|Connect Failed)|\bdetails = "failed to connect to all addresses/,
    /\bupstream connect error or disconnect\/reset before headers\.(?: retried and the latest)? reset reason: (?:remote )?connection failure/,
  ], 0.82, merge(quoted, peer)),
  // The database is at its connection limit and turns new clients away: PostgreSQL (`FATAL: sorry, too many clients
  // already`, `remaining connection slots are reserved for …`), MySQL/MariaDB (`[1040] Too many connections`).
  specific('too-many-connections', 'dependency_unreachable', /too many clients|connection slots are reserved|Too many connections/, [
    /\bsorry, too many clients already|\bremaining connection slots are reserved for|\bToo many connections\b/,
  ], 0.8, (m) => ({ detail: `${m[0]} (the database is at its connection limit and refuses new connections)` })),
  // The dependency dropped a connection it had accepted (it restarted, crashed or was failed over):
  // libpq (psql, psycopg2, ruby-pg, PDO), node-postgres, the MySQL client libraries. Weaker than a
  // refused connection: a firewall closing idle connections or a query too big for the server say it too.
  specific('connection-lost', 'dependency_unreachable', /unexpectedly|gone away|Lost connection/, [
    /server closed the connection unexpectedly|Connection terminated unexpectedly|MySQL server has gone away|Lost connection to MySQL server/,
  ], 0.7, merge(quoted, peer)),
  // An application that reports its database as down instead of the driver's error (n8n's 503
  // `Database is not ready!`, CloudNativePG's `DB not available, will retry`): the database, unnamed.
  specific('database-not-ready', 'dependency_unreachable', /not (?:ready|available)/i, [
    /\b(?:[Dd]atabase|DB) (?:is )?not (?:ready|available)\b/,
  ], 0.65, quoted),
  // The errno text alone; host and port come from the line, libpq's next lines, or an earlier line.
  specific('connection-refused', 'dependency_unreachable', /refused|timed out|no route|unreachable|reset by peer|ECONN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/i, [
    /\b(?:[Cc]onnection refused|ECONNREFUSED|[Cc]onnection timed out|ETIMEDOUT|[Nn]o route to host|EHOSTUNREACH|Network is unreachable|ENETUNREACH|Connection reset by peer|ECONNRESET)\b/,
    // WSAECONNREFUSED (10061) as Windows words it, also in clients running on Windows nodes
    /\bNo connection could be made because the target machine actively refused it\b/,
  ], 0.75, hostPortOrLibpq),
];
