import { redactText } from '../../domain/secrets/index.js';

/**
 * Text as the memory sees it: masked first (nothing unmasked is stored or embedded), then
 * lower-cased with the volatile parts (pod hashes, ids, numbers, addresses) reduced to their
 * shape, and words folded onto one spelling per meaning, so two differently worded reports of
 * the same cause share their words ("OOMKilled" / "out of memory", "connection refused" /
 * "could not connect").
 */
export function maskText(text: string): string {
  return redactText(text).text;
}

const VOLATILE: Array<[RegExp, string]> = [
  [/\[redacted:[a-z_]+\]/g, ' '],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, ' uuid '],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, ' ipaddr '],
  [/\b(\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}(?:\.\d+)?z?)\b/g, ' '],
  // Pod names: deployment-name-<replicaset hash>-<pod hash> → deployment-name.
  [/\b([a-z][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, '$1'],
  [/\b0x[0-9a-f]+\b/g, ' hex '],
  [/\b\d+(?:\.\d+)?(ms|s|m|h|mi|gi|ki|mb|gb|kb|%)?\b/g, ' num$1 '],
];

/** One spelling per meaning, for words that Kubernetes, runtimes and people use interchangeably. */
const CANONICAL: Record<string, string> = {
  oomkilled: 'memory', oom: 'memory', 'out-of-memory': 'memory', memory: 'memory', heap: 'memory', mem: 'memory',
  crashloopbackoff: 'crash', crashloop: 'crash', crashing: 'crash', crashes: 'crash', crashed: 'crash', crash: 'crash',
  restarting: 'restart', restarts: 'restart', restarted: 'restart', restart: 'restart', backoff: 'restart',
  refused: 'refused', econnrefused: 'refused', unreachable: 'refused', 'connect': 'connect', connecting: 'connect', connection: 'connect', connections: 'connect', connected: 'connect',
  timeout: 'timeout', timed: 'timeout', 'time-out': 'timeout', deadline: 'timeout', etimedout: 'timeout', slow: 'slow', latency: 'slow',
  postgres: 'postgres', postgresql: 'postgres', psql: 'postgres', pg: 'postgres', mysql: 'mysql', mariadb: 'mysql', redis: 'redis',
  db: 'database', database: 'database', databases: 'database',
  endpoints: 'endpoints', endpoint: 'endpoints', ready: 'ready', unready: 'notready', notready: 'notready',
  dns: 'dns', nxdomain: 'dns', resolve: 'dns', resolving: 'dns', lookup: 'dns', 'no-such-host': 'dns',
  imagepullbackoff: 'imagepull', errimagepull: 'imagepull', pull: 'imagepull', pulling: 'imagepull', manifest: 'imagepull',
  secret: 'secret', secrets: 'secret', configmap: 'configmap', configmaps: 'configmap', env: 'env', environment: 'env', variable: 'env', variables: 'env',
  missing: 'missing', 'not-found': 'missing', notfound: 'missing', absent: 'missing', unset: 'missing',
  forbidden: 'forbidden', denied: 'forbidden', unauthorized: 'forbidden', permission: 'forbidden', rbac: 'forbidden',
  certificate: 'tls', cert: 'tls', x509: 'tls', tls: 'tls', ssl: 'tls', expired: 'expired',
  unschedulable: 'pending', pending: 'pending', failedscheduling: 'pending', insufficient: 'insufficient',
  probe: 'probe', liveness: 'probe', readiness: 'probe', startup: 'probe', healthcheck: 'probe',
  evicted: 'evicted', eviction: 'evicted', throttled: 'throttling', throttling: 'throttling', cpu: 'cpu',
  volume: 'volume', mount: 'volume', pvc: 'volume', persistentvolumeclaim: 'volume',
  killed: 'killed', terminated: 'killed', sigkill: 'killed', exit: 'exit', exited: 'exit',
  scaled: 'scale', scale: 'scale', replicas: 'scale', replica: 'scale',
};

const STOPWORDS = new Set(
  ('the a an and or of to in on at for is are was were be been it its this that with from by as not no why what how does did do ' +
    'my our your i we you me us please can could would should will after before when then than there here about into out up ' +
    'pod pods container containers deployment deployments service services namespace cluster kubernetes k8s kubectl get describe ' +
    'num hex uuid ipaddr error errors err failed fail failing fails happening happened keeps keep still again status reason ' +
    'has have had being while using used also just only very too much many some any all').split(/\s+/),
);

/** Which normalisations apply (all by default; the benchmark's ablations turn one off). */
export interface WordOptions {
  /** Pod hashes, IPs, UUIDs, timestamps, numbers reduced to their shape. */
  volatile?: boolean;
  /** Words folded onto one spelling per meaning. */
  canonical?: boolean;
}

/** Masked, normalised words (canonical spellings, no stop words), in order. */
export function words(text: string, options: WordOptions = {}): string[] {
  let t = maskText(text).toLowerCase();
  if (options.volatile !== false) for (const [re, to] of VOLATILE) t = t.replace(re, to);
  if (options.canonical === false) return t.split(/[^a-z0-9-]+/).map((w) => w.replace(/^-+|-+$/g, '')).filter((w) => w.length >= 2 && !STOPWORDS.has(w));
  t = t.replace(/connection refused|could not connect|can't connect|cannot connect|failed to connect/g, ' refused connect ');
  t = t.replace(/out of memory|memory limit/g, ' memory ');
  t = t.replace(/no such host|name resolution/g, ' dns ');
  t = t.replace(/not found|does not exist|doesn't exist/g, ' missing ');
  const out: string[] = [];
  for (const raw of t.split(/[^a-z0-9-]+/)) {
    const w = raw.replace(/^-+|-+$/g, '');
    if (w.length < 2) continue;
    const canon = CANONICAL[w] ?? CANONICAL[w.replace(/s$/, '')] ?? w;
    if (!STOPWORDS.has(canon)) out.push(canon);
  }
  return out;
}

/**
 * The prefilter terms of a text: its distinct words (at most 64), stored in an indexed text[]
 * column so a lookup reads only incidents that share a word or a root-cause type.
 */
export function termsOf(text: string): string[] {
  return [...new Set(words(text).filter((w) => w.length >= 3 && !/^num/.test(w)))].slice(0, 64);
}
