import { isIP } from 'node:net';
import path from 'node:path';
import { DEFAULT_RATE_LIMITS } from './access/rate-limit.js';
import { SyntraError } from './domain/errors.js';

/**
 * Environment → typed, frozen config, validated once at start (raw → defaults → compiled).
 * Everything that differs between embedded and distributed mode is decided here.
 */
export interface SyntraConfig {
  readonly mode: 'embedded' | 'distributed';
  readonly databaseUrl: string | undefined;
  /** PostgreSQL connections one process opens at most (its pool); see docs/operations.md. */
  readonly databasePoolSize: number;
  /** Embedded mode: PGlite's shared buffers in MB (small, because starting zeroes all of them). */
  readonly pgliteSharedBuffersMb: number;
  readonly dataDir: string;
  readonly natsUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  /** Origins allowed by CORS on the API; empty → no cross-origin access. */
  readonly corsOrigins: readonly string[];
  readonly worker: {
    readonly concurrency: number;
    readonly pollIntervalMs: number;
    readonly leaseSeconds: number;
    readonly shutdownGraceMs: number;
  };
  readonly artifacts: ArtifactsConfig;
  readonly kubeconfig: string | undefined;
  /** The executor's own, writing kubeconfig (SYNTRA_EXECUTOR_KUBECONFIG); unset: no write path at all. */
  readonly executorKubeconfig?: string | undefined;
  /** Where investigations read the cluster from (SYNTRA_EVIDENCE); never taken from request input. */
  readonly evidence: EvidenceSetting;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Request budget of a principal without a role or key policy (SYNTRA_RATE_LIMIT_PER_MINUTE / _PER_HOUR). */
  readonly rateLimit: { readonly perMinute: number; readonly perHour: number };
  /**
   * Which peers may tell the client's address in X-Forwarded-For (SYNTRA_TRUST_PROXY): false
   * (default: the TCP peer is the client), true (every peer: only when nothing reaches Syntra
   * except through the proxy), or the proxies' addresses and CIDR ranges. (No hop count: it
   * cannot tell a proxy from a client that sends the header itself.)
   */
  readonly trustProxy: TrustProxy;
  /** Alert webhooks (docs/alerts.md). */
  readonly alerts: {
    /** A re-sent or re-firing alert within this many seconds of its last receipt attaches (SYNTRA_ALERT_DEDUPE_SECONDS). */
    readonly dedupeWindowSeconds: number;
    /** Investigations one notification may start, one per distinct target (SYNTRA_ALERT_MAX_RUNS_PER_NOTIFICATION). */
    readonly maxRunsPerNotification: number;
    /** How often finished alert runs are followed up: incident link, notifications (SYNTRA_ALERT_FOLLOW_UP_MS). */
    readonly followUpMs: number;
  };
  /** GraphQL introspection and the GraphiQL page (SYNTRA_GRAPHQL_INTROSPECTION=1); off by default. */
  readonly graphqlIntrospection: boolean;
  /**
   * Finished runs older than this many days are archived (SYNTRA_RETENTION_DAYS; per namespace in
   * the control registry); undefined: kept in the hot tables forever.
   */
  readonly retentionDays: number | undefined;
  /** Watch mode inside the workers (SYNTRA_WATCH=1 or `syntra worker --watch`; docs/alerts.md). */
  readonly watch: {
    readonly enabled: boolean;
    /** Seconds between scans (SYNTRA_WATCH_INTERVAL_SECONDS). */
    readonly intervalSeconds: number;
    /** A workload still unhealthy is alerted again after this long (SYNTRA_WATCH_COOLDOWN_SECONDS). */
    readonly cooldownSeconds: number;
    /** One namespace (SYNTRA_WATCH_NAMESPACE); unset: every namespace. */
    readonly namespace: string | undefined;
    /** The clusters watched (SYNTRA_WATCH_CLUSTERS, comma-separated; `default` is the default cluster); unset: the default and every registered one. */
    readonly clusters: readonly string[] | undefined;
  };
}

export type TrustProxy = boolean | readonly string[];

export type ArtifactsConfig =
  | { readonly kind: 'local'; readonly dir: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      readonly endpoint: string | undefined;
      readonly accessKeyId: string | undefined;
      readonly secretAccessKey: string | undefined;
      readonly forcePathStyle: boolean;
      readonly prefix: string | undefined;
    };

/** `auto`: the kubeconfig cluster when one is configured, else the bundled demo cluster. */
export type EvidenceSetting = { readonly kind: 'auto' | 'demo' | 'live' } | { readonly kind: 'dump'; readonly dir: string };

export type Env = Record<string, string | undefined>;

function evidenceSetting(raw: string | undefined): EvidenceSetting {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'auto') return { kind: 'auto' };
  if (value === 'demo' || value === 'live') return { kind: value };
  if (value.startsWith('dump:') && value.length > 'dump:'.length) return { kind: 'dump', dir: path.resolve(value.slice('dump:'.length)) };
  throw new SyntraError('config_invalid', `SYNTRA_EVIDENCE must be auto, demo, live or dump:/path/to/dump, got "${value}"`);
}

function artifactsConfig(env: Env, dataDir: string): ArtifactsConfig {
  if (!env.S3_BUCKET) {
    if (env.S3_ENDPOINT) throw new SyntraError('config_invalid', 'S3_ENDPOINT is set but S3_BUCKET is not: set the bucket artifacts go to');
    return { kind: 'local', dir: path.join(dataDir, 'artifacts') };
  }
  return {
    kind: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION || 'us-east-1',
    endpoint: env.S3_ENDPOINT || undefined,
    accessKeyId: env.S3_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY || undefined,
    // Most self-hosted S3-compatible stores (MinIO, Ceph) need path-style addressing.
    forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE !== 'false' : Boolean(env.S3_ENDPOINT),
    prefix: env.S3_PREFIX || undefined,
  };
}

/** SYNTRA_WATCH_CLUSTERS: registered cluster names (and `default`), comma-separated; unset or empty → every cluster. */
function watchClusters(raw: string | undefined): readonly string[] | undefined {
  if (!raw?.trim()) return undefined;
  const names = [...new Set(raw.split(',').map((n) => n.trim()).filter(Boolean))];
  const bad = names.filter((n) => !/^[a-z][a-z0-9-]{0,62}$/.test(n));
  if (bad.length) throw new SyntraError('config_invalid', `SYNTRA_WATCH_CLUSTERS must list cluster names (lower-case, e.g. prod-eu,default), got "${bad.join('", "')}"`);
  return names;
}

/** An integer setting in [min, max]; unset or empty → fallback; anything else → config_invalid naming the variable. */
export function intFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new SyntraError('config_invalid', `${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (PROXY_PRESETS.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/** SYNTRA_TRUST_PROXY → the trusted proxies; anything unclear stops the process (exit 2). */
export function trustProxySetting(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = entries.filter((e) => !isAddressOrRange(e));
  if (entries.length === 0 || bad.length > 0) {
    throw new SyntraError(
      'config_invalid',
      `SYNTRA_TRUST_PROXY must be false, true, or comma-separated proxy addresses/CIDR ranges (or loopback, linklocal, uniquelocal); not understood: ${bad.join(', ') || value}`,
    );
  }
  return entries;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, overrides: Partial<SyntraConfig> = {}): SyntraConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  const logLevel = (env.SYNTRA_LOG_LEVEL ?? 'warn') as SyntraConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new SyntraError('config_invalid', `SYNTRA_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  // Settings derived from the data directory (local artifacts) follow an overridden one (`up --data-dir`).
  const dataDir = overrides.dataDir ?? path.resolve(env.SYNTRA_DATA_DIR || path.join('.syntra', 'data'));
  const config: SyntraConfig = {
    mode: databaseUrl ? 'distributed' : 'embedded',
    databaseUrl,
    databasePoolSize: intFromEnv(env, 'SYNTRA_DB_POOL_SIZE', 10, 1, 1000),
    pgliteSharedBuffersMb: intFromEnv(env, 'SYNTRA_PGLITE_SHARED_BUFFERS_MB', 32, 1, 4096),
    dataDir,
    natsUrl: env.NATS_URL || undefined,
    host: env.SYNTRA_HOST || '127.0.0.1',
    port: intFromEnv(env, 'SYNTRA_PORT', 7070, 0, 65535),
    bodyLimitBytes: intFromEnv(env, 'SYNTRA_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    corsOrigins: (env.SYNTRA_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
    worker: {
      concurrency: intFromEnv(env, 'SYNTRA_WORKER_CONCURRENCY', 4, 1, 256),
      pollIntervalMs: intFromEnv(env, 'SYNTRA_POLL_INTERVAL_MS', 1000, 10, 60_000),
      leaseSeconds: intFromEnv(env, 'SYNTRA_LEASE_SECONDS', 30, 1, 3600),
      shutdownGraceMs: intFromEnv(env, 'SYNTRA_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    },
    artifacts: artifactsConfig(env, dataDir),
    kubeconfig: env.KUBECONFIG || undefined,
    executorKubeconfig: env.SYNTRA_EXECUTOR_KUBECONFIG || undefined,
    evidence: evidenceSetting(env.SYNTRA_EVIDENCE),
    logLevel,
    rateLimit: {
      perMinute: intFromEnv(env, 'SYNTRA_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.default.perMinute, 1, 1_000_000),
      perHour: intFromEnv(env, 'SYNTRA_RATE_LIMIT_PER_HOUR', DEFAULT_RATE_LIMITS.default.perHour, 1, 100_000_000),
    },
    trustProxy: trustProxySetting(env.SYNTRA_TRUST_PROXY),
    alerts: {
      // Alertmanager re-sends a firing group every repeat_interval (4 h by default): 6 h spans it.
      dedupeWindowSeconds: intFromEnv(env, 'SYNTRA_ALERT_DEDUPE_SECONDS', 6 * 3600, 1, 30 * 86_400),
      maxRunsPerNotification: intFromEnv(env, 'SYNTRA_ALERT_MAX_RUNS_PER_NOTIFICATION', 5, 1, 100),
      followUpMs: intFromEnv(env, 'SYNTRA_ALERT_FOLLOW_UP_MS', 2000, 50, 600_000),
    },
    retentionDays: env.SYNTRA_RETENTION_DAYS?.trim() ? intFromEnv(env, 'SYNTRA_RETENTION_DAYS', 0, 1, 36_500) : undefined,
    graphqlIntrospection: env.SYNTRA_GRAPHQL_INTROSPECTION === '1' || env.SYNTRA_GRAPHQL_INTROSPECTION === 'true',
    watch: {
      enabled: env.SYNTRA_WATCH === '1' || env.SYNTRA_WATCH === 'true',
      intervalSeconds: intFromEnv(env, 'SYNTRA_WATCH_INTERVAL_SECONDS', 60, 10, 86_400),
      cooldownSeconds: intFromEnv(env, 'SYNTRA_WATCH_COOLDOWN_SECONDS', 900, 60, 604_800),
      namespace: env.SYNTRA_WATCH_NAMESPACE || undefined,
      clusters: watchClusters(env.SYNTRA_WATCH_CLUSTERS),
    },
    ...overrides,
  };
  return Object.freeze(config);
}
