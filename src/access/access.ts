import type { Database } from '../db/database.js';
import { appendAudit, type AuditEntry } from './audit.js';
import { systemClock, type Clock } from './clock.js';
import { processMasterKeys, type MasterKeys } from './master-key.js';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE, type LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { createDatabaseRateLimitStore, createMemoryRateLimitStore, type RateLimitStore } from './rate-limit-store.js';
import { createSessions, DEFAULT_SESSION_OPTIONS, type Sessions } from './sessions.js';
import { createSigningKeyRing, type SigningKeyRing } from './signing-keys.js';

/**
 * Everything access control needs, built once per app from the database and options
 * (raw → defaults → compiled). The Fastify plugin and the routes take this one object.
 */
export interface AccessOptions {
  clock?: Clock;
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  /** SYNTRA_JWT_SECRET / SYNTRA_JWT_PREVIOUS_SECRET; otherwise secrets live in signing_keys. */
  jwtSecret?: string;
  /**
   * Seals the signing secrets kept in the database (see master-key.ts). Processes that serve
   * the API pass the configured keys; without, a key that lives as long as this process (tests).
   */
  masterKeys?: MasterKeys;
  previousJwtSecret?: string;
  rateLimits?: Partial<RateLimitOptions>;
  /**
   * 'database' shares counters across API replicas; 'memory' is for one process.
   * Default: 'database' on PostgreSQL, 'memory' on embedded PGlite.
   */
  rateLimitStore?: 'database' | 'memory' | RateLimitStore;
  loginThrottle?: { [K in keyof Omit<LoginThrottleOptions, 'clock'>]?: Partial<LoginThrottleOptions[K]> };
  /** Refresh cookie flags; `secure` false only for plain-http development. */
  cookie?: { name?: string; secure?: boolean; path?: string };
  /** Default grace for rotated API keys. */
  keyRotationGraceSeconds?: number;
}

export interface Access {
  readonly db: Database;
  readonly clock: Clock;
  readonly keyRing: SigningKeyRing;
  readonly sessions: Sessions;
  readonly limiter: RateLimiter;
  readonly loginThrottle: LoginThrottle;
  readonly cookie: { name: string; secure: boolean; path: string };
  readonly keyRotationGraceSeconds: number;
  readonly refreshTtlSeconds: number;
  /** Appends to the audit trail; a failing audit write is reported, never swallowed silently by callers. */
  audit(entry: AuditEntry): Promise<void>;
}

export function createAccess(db: Database, options: AccessOptions = {}): Access {
  const clock = options.clock ?? systemClock;
  const accessTtlSeconds = options.accessTtlSeconds ?? DEFAULT_SESSION_OPTIONS.accessTtlSeconds;
  const refreshTtlSeconds = options.refreshTtlSeconds ?? DEFAULT_SESSION_OPTIONS.refreshTtlSeconds;
  const keyRing = createSigningKeyRing(db, {
    ...(options.jwtSecret ? { envSecret: options.jwtSecret } : {}),
    ...(options.previousJwtSecret ? { previousEnvSecret: options.previousJwtSecret } : {}),
    masterKeys: options.masterKeys ?? processMasterKeys(),
    verifyGraceSeconds: accessTtlSeconds,
    clock,
  });
  const storeChoice = options.rateLimitStore ?? (db.dialect === 'postgres' ? 'database' : 'memory');
  const store =
    storeChoice === 'database' ? createDatabaseRateLimitStore(db) : storeChoice === 'memory' ? createMemoryRateLimitStore() : storeChoice;
  return {
    db,
    clock,
    keyRing,
    sessions: createSessions(db, keyRing, { accessTtlSeconds, refreshTtlSeconds, clock }),
    limiter: createRateLimiter(store, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits, clock }),
    loginThrottle: createLoginThrottle(db, {
      accountSource: { ...DEFAULT_LOGIN_THROTTLE.accountSource, ...options.loginThrottle?.accountSource },
      source: { ...DEFAULT_LOGIN_THROTTLE.source, ...options.loginThrottle?.source },
      account: { ...DEFAULT_LOGIN_THROTTLE.account, ...options.loginThrottle?.account },
      clock,
    }),
    cookie: { name: options.cookie?.name ?? 'syntra_refresh', secure: options.cookie?.secure ?? true, path: options.cookie?.path ?? '/v1/auth' },
    keyRotationGraceSeconds: options.keyRotationGraceSeconds ?? 24 * 3600,
    refreshTtlSeconds,
    audit: (entry) => appendAudit(db, entry),
  };
}

/**
 * Access options from the environment (SYNTRA_JWT_SECRET, SYNTRA_INSECURE_COOKIES). The rate-limit
 * defaults are settings validated with the rest of the configuration (config.ts: rateLimit).
 */
export function accessOptionsFromEnv(env: Record<string, string | undefined> = process.env): AccessOptions {
  return {
    ...(env.SYNTRA_JWT_SECRET ? { jwtSecret: env.SYNTRA_JWT_SECRET } : {}),
    ...(env.SYNTRA_JWT_PREVIOUS_SECRET ? { previousJwtSecret: env.SYNTRA_JWT_PREVIOUS_SECRET } : {}),
    ...(env.SYNTRA_INSECURE_COOKIES === '1' ? { cookie: { secure: false } } : {}),
  };
}
