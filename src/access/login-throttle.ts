import type { Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { systemClock, type Clock } from './clock.js';

/**
 * Failed logins slow down, then lock out, per account and per client IP. Slowdown is a
 * "not before" time (exponential in the failures past the free ones) answered with 429 and
 * Retry-After instead of holding connections open; lockout answers 423 until it lifts.
 * Counts reset when a window passes without reaching the lock, or when the account logs in.
 * Unknown emails are throttled exactly like real ones, so lockout reveals no accounts.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  lockAfter: number;
  lockMs: number;
  windowMs: number;
}

export interface LoginThrottleOptions {
  account: ThrottlePolicy;
  ip: ThrottlePolicy;
  clock?: Clock;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  account: { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 60_000, lockAfter: 10, lockMs: 15 * 60_000, windowMs: 15 * 60_000 },
  ip: { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 60_000, lockAfter: 100, lockMs: 15 * 60_000, windowMs: 15 * 60_000 },
};

type Scope = 'account' | 'ip';

interface AttemptRow {
  scope: Scope;
  failures: number;
  first_failure_at: Date;
  last_failure_at: Date;
  locked_until: Date | null;
}

export interface LoginThrottle {
  /** Throws account_locked / login_throttled when this attempt must not even be tried. */
  check(email: string, ip: string): Promise<void>;
  recordFailure(email: string, ip: string): Promise<{ lockedScopes: Scope[] }>;
  recordSuccess(email: string): Promise<void>;
}

export function delayAfter(policy: ThrottlePolicy, failures: number): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - policy.freeFailures));
}

export function createLoginThrottle(db: Queryable, options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE): LoginThrottle {
  const clock = options.clock ?? systemClock;
  const subjects = (email: string, ip: string): [Scope, string][] => [
    ['account', email.trim().toLowerCase()],
    ['ip', ip],
  ];

  return {
    async check(email, ip) {
      const now = clock();
      const [[accountScope, accountSubject], [ipScope, ipSubject]] = subjects(email, ip) as [[Scope, string], [Scope, string]];
      const res = await db.query<AttemptRow>(
        `SELECT scope, failures, first_failure_at, last_failure_at, locked_until FROM login_attempts
         WHERE (scope = $1 AND subject = $2) OR (scope = $3 AND subject = $4)`,
        [accountScope, accountSubject, ipScope, ipSubject],
      );
      for (const row of res.rows) {
        const policy = options[row.scope];
        const lockedUntil = row.locked_until ? new Date(row.locked_until).getTime() : 0;
        if (lockedUntil > now) {
          const retryAfterSeconds = Math.ceil((lockedUntil - now) / 1000);
          throw new SyntraError('account_locked', `too many failed logins for this ${row.scope === 'ip' ? 'address' : 'account'}; try again later`, {
            details: { scope: row.scope, retryAfterSeconds },
          });
        }
        if (new Date(row.first_failure_at).getTime() < now - policy.windowMs) continue;
        const notBefore = new Date(row.last_failure_at).getTime() + delayAfter(policy, row.failures);
        if (notBefore > now) {
          throw new SyntraError('login_throttled', 'too many failed logins; slow down', {
            details: { scope: row.scope, retryAfterSeconds: Math.ceil((notBefore - now) / 1000) },
          });
        }
      }
    },

    async recordFailure(email, ip) {
      const now = clock();
      const lockedScopes: Scope[] = [];
      for (const [scope, subject] of subjects(email, ip)) {
        const policy = options[scope];
        const res = await db.query<{ failures: number }>(
          `INSERT INTO login_attempts (scope, subject, failures, first_failure_at, last_failure_at) VALUES ($1, $2, 1, $3, $3)
           ON CONFLICT (scope, subject) DO UPDATE SET
             failures = CASE WHEN login_attempts.first_failure_at < $4 THEN 1 ELSE login_attempts.failures + 1 END,
             first_failure_at = CASE WHEN login_attempts.first_failure_at < $4 THEN $3 ELSE login_attempts.first_failure_at END,
             last_failure_at = $3
           RETURNING failures`,
          [scope, subject, new Date(now), new Date(now - policy.windowMs)],
        );
        if ((res.rows[0]?.failures ?? 0) >= policy.lockAfter) {
          await db.query('UPDATE login_attempts SET locked_until = $3 WHERE scope = $1 AND subject = $2', [scope, subject, new Date(now + policy.lockMs)]);
          lockedScopes.push(scope);
        }
      }
      return { lockedScopes };
    },

    async recordSuccess(email) {
      // Only the account: one valid login must not wash an attacking IP's record clean.
      await db.query(`DELETE FROM login_attempts WHERE scope = 'account' AND subject = $1`, [email.trim().toLowerCase()]);
    },
  };
}
