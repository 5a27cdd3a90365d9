import { hostPortIn, ipIn, type LogFacts } from './extract.js';
import { hostPort, specific, type LogPattern } from './pattern-kit.js';

/**
 * TLS verification and name resolution: both fail before a connection carries any request, and
 * both are read before connection failures (an x509 or lookup error also names a host:port).
 */
const tlsFacts = (m: RegExpExecArray, line: string): LogFacts => {
  const wanted = m.groups?.host;
  const peer = hostPortIn(line) ?? (ipIn(line) ? { host: ipIn(line)! } : undefined);
  return { ...(wanted ? { host: wanted } : peer ?? {}), detail: m[0].trim() };
};

export const TLS_PATTERNS: readonly LogPattern[] = [
  // Java reports an expired certificate in the chain as a failed validity check of the path (CertPathValidatorException).
  specific('tls-expired', 'tls_certificate_error', /expired|validity check/i, [
    /x509: certificate has expired or is not yet valid(?:: current time \S+ is after \S+)?/,
    /\bcertificate has expired\b|\bCERT_HAS_EXPIRED\b|CertificateExpiredException|\bcertificate expired\b/i,
    /CertPathValidatorException: validity check failed/,
  ], 0.93, tlsFacts),
  specific('tls-name-mismatch', 'tls_certificate_error', /x509|NameMismatch|ALTNAME|altnames|subject alternative/i, [
    /x509: certificate is valid for .+?, not (?<host>[\w.*-]+)/,
    /x509: certificate is not valid for any names, but wanted to match (?<host>[\w.*-]+)/,
    /x509: certificate relies on legacy Common Name field/,
    /RemoteCertificateNameMismatch|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match certificate's altnames|No subject alternative (?:DNS )?names? matching/,
  ], 0.92, tlsFacts),
  // The issuer is not trusted: Go, Java (PKIX), OpenSSL/Python, Node's error codes and messages, .NET chain errors.
  specific('tls-unknown-authority', 'tls_certificate_error', /x509|PKIX|cert|self.signed|issuer|verify/i, [
    /x509: certificate signed by unknown authority/,
    /PKIX path (?:building|validation) failed|unable to find valid certification path/,
    /CERTIFICATE_VERIFY_FAILED|certificate verify failed|self[- ]signed certificate|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify the first certificate|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|unable to get local issuer certificate/,
    /remote certificate is invalid|RemoteCertificateChainErrors/,
    // Node's UNABLE_TO_GET_ISSUER_CERT message, Windows SChannel (CERT_E_UNTRUSTEDROOT), curl's verification failure (60)
    /\bunable to get issuer certificate\b|terminated in a root certificate which is not trusted by the trust provider|\bcurl: \(60\) SSL (?:peer certificate|certificate problem)/,
  ], 0.9, tlsFacts),
  // A handshake that failed without a verification reason in the line (the inner exception usually has it).
  specific('tls-handshake', 'tls_certificate_error', /SSL|TLS|handshake/i, [
    /The SSL connection could not be established|SSLHandshakeException|SSLPeerUnverifiedException|tls: handshake failure|remote error: tls: [\w ]+|ssl\.SSLError|SSL routines:/,
  ], 0.8, tlsFacts),
  // The certificate to present is not there: ingress-nginx serves its fake certificate when the TLS
  // secret of an Ingress is missing; Envoy (Istio) fails the upstream TLS when SDS never delivered the secret.
  specific('tls-secret-missing', 'tls_certificate_error', /SSL certificate|supplied by SDS/, [
    /local SSL certificate (?<secret>\S+) was not found/,
    /TLS error: Secret is not supplied by SDS/,
  ], 0.75, (m) => ({ detail: m.groups?.secret ? `TLS secret ${m.groups.secret} not found` : m[0] })),
];

/** The host a resolver error names, in the places runtimes put it. */
const resolverHost = (m: RegExpExecArray, line: string): LogFacts => {
  const g = m.groups ?? {};
  if (g.hp || g.host) return hostPort(m, line, []);
  if (g.port) return { port: Number(g.port) };
  const host = /host='([^']+)'/.exec(line)?.[1] ?? /([\w.-]+): forward host lookup failed/.exec(line)?.[1];
  if (host) return { host };
  const paren = /\(([\w.-]+):(\d{1,5})\)/.exec(line);
  if (paren?.[1]) return { host: paren[1], port: Number(paren[2]) };
  // redis-py `Error -2 connecting to redis:6379. Name or service not known.`, pymongo `mongo:27017: [Errno -2] …`
  return hostPortIn(line) ?? {};
};

export const DNS_PATTERNS: readonly LogPattern[] = [
  // Clients that say they could not resolve a server they were given: the Kafka clients (Java
  // `Couldn't resolve server b:9092 from bootstrap.servers`, kafka-python `DNS lookup failed for b:9092`), MongoDB's
  // `Could not find address for h:27017: … Host not found`, the Node driver's SRV lookup (`querySrv ENOTFOUND _mongodb._tcp.h`),
  // Erlang's `:nxdomain`.
  specific('client-resolve-failed', 'dns_resolution_failure', /resolve server|DNS lookup failed|Could not find address|querySrv|nxdomain/i, [
    /Couldn't resolve server (?<host>[\w.-]+):(?<port>\d{1,5}) from bootstrap\.servers/,
    /\bDNS lookup failed for (?<host>[\w.-]+):(?<port>\d{1,5})/,
    /Could not find address for (?<host>[\w.-]+):(?<port>\d{1,5}): SocketException: Host not found/,
    /\bquerySrv (?:ENOTFOUND|ESERVFAIL|ECONNREFUSED|ETIMEOUT) _mongodb\._tcp\.(?<host>[\w.-]+)/i,
    // Erlang's inet as Elixir clients (Postgrex, DBConnection) report it
    /\btcp connect(?: \((?<host>[\w.-]+):(?<port>\d{1,5})\))?: non-existing domain - :nxdomain/,
  ], 0.9, hostPort),
  // A name the program itself could not resolve: nginx at start-up (an upstream or its `resolver`), curl, busybox wget.
  specific('host-not-found', 'dns_resolution_failure', /host not found|resolve host|bad address/, [
    /\bhost not found in (?:upstream|resolver) "(?<host>[\w.-]+)(?::(?<port>\d{1,5}))?"/,
    /Could not resolve host: (?<host>[\w.-]+)/,
    /\bwget: bad address '(?<host>[\w.-]+)'/,
  ], 0.9, hostPort),
  // libmysqlclient/mysqlnd's CR_UNKNOWN_HOST (2005): the host it was given does not resolve (`Unknown MySQL server host
  // 'db' (-2)`; the number is getaddrinfo's error, -2 EAI_NONAME, -3 EAI_AGAIN). A `host:port` in the quotes is a port
  // written into the host setting, which no resolver knows either.
  specific('mysql-unknown-host', 'dns_resolution_failure', /Unknown MySQL server host/, [/\bUnknown MySQL server host '(?<hp>[^'\s]+)'/], 0.9, hostPort),
  specific('libpq-translate', 'dns_resolution_failure', /translate host name/, [/could not translate host name "(?<host>[^"]+)" to address/], 0.93, hostPort),
  // Go's resolver: `lookup db on 10.96.0.10:53: no such host`, musl's `Try again`, and a DNS server that does not answer.
  specific('go-lookup', 'dns_resolution_failure', /lookup|read udp/, [
    /\blookup (?<host>[\w.-]+)(?: on [\w.:[\]]+)?: (?:no such host|server misbehaving|Try again|no answer from DNS server|(?:read udp [\d.:[\]]+(?:->[\d.:[\]]+)?: )?i\/o timeout)/,
    /read udp [\d.:]+->[\d.]+:53: i\/o timeout/,
  ], 0.92, (m) => (m.groups?.host ? { host: m.groups.host } : {})),
  specific('node-getaddrinfo', 'dns_resolution_failure', /getaddrinfo/, [/getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (?<host>[\w.-]+)(?: \k<host>:(?<port>\d{1,5}))?/], 0.93, hostPort),
  specific('java-unknown-host', 'dns_resolution_failure', /UnknownHost/, [/UnknownHostException: (?<host>[\w.-]+)/], 0.92, hostPort),
  // nslookup and dig as wait loops run them: busybox `nslookup: can't resolve 'db'`, bind's
  // `** server can't find db: NXDOMAIN`, `;; connection timed out; no servers could be reached`.
  specific('nslookup-failed', 'dns_resolution_failure', /can't (?:resolve|find)|no servers could be reached/, [
    /nslookup: can't resolve '?(?<host>[\w.-]+)'?/,
    /\*\* server can't find (?<host>[\w.-]+?)\.?: (?:NXDOMAIN|SERVFAIL|REFUSED)/,
    /;; connection timed out; no servers could be reached/,
  ], 0.88, (m) => (m.groups?.host ? { host: m.groups.host } : {})),
  // getaddrinfo's messages as libc, musl, macOS and .NET print them, netcat's, and the clients that say "resolve".
  specific('resolver-failed', 'dns_resolution_failure', /not known|name resolution|servname|No such host|does not resolve|No address associated|host lookup|getaddrinfo|resolve|unresolved|temporarily unavailable/i, [
    /Name or service not known|Temporary failure in name resolution|nodename nor servname provided|No such host is known|Name does not resolve|No address associated with hostname|forward host lookup failed|getaddrinfo failed/,
    /Failed to resolve (?:server address: )?'?(?<hp>[\w.-]+(?::\d{1,5})?)'?/,
    // lettuce marks an address it could not resolve
    /\/<unresolved>:(?<port>\d{1,5})/,
    // EAI_AGAIN as .NET reports it
    /SocketException[^:]*: Resource temporarily unavailable/,
  ], 0.85, resolverHost),
];
