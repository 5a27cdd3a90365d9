import type { Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { systemClock, type Clock } from './clock.js';

/**
 * Failed logins are throttled on three counters, each a fixed window of failures:
 * - per (account, source address): slows down, then locks that address out of that account;
 * - per source address, across accounts: slows down, then locks the address out (spraying);
 * - per account, across addresses: only ever slows down, by at most a couple of seconds — a
 *   lock here would let anyone on the internet lock the admin out, so the right password from
 *   another address always gets in.
 * Slowdown is a "not before" time (exponential in the failures past the free ones) answered
 * with 429 and Retry-After instead of holding connections open; a lock answers 423 until it
 * lifts. A success clears that (account, address) pair only: one valid login must not wash an
 * attacking address's record clean. Unknown emails count exactly like real ones, so the
 * answers reveal no accounts. The figures are in docs/security.md ("Login throttling").
 */
export interface ThrottlePolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within the window that lock the subject out; null: never locked, only slowed down. */
  lockAfter: number | null;
  lockMs: number;
  windowMs: number;
}

export interface LoginThrottleOptions {
  accountSource: ThrottlePolicy;
  source: ThrottlePolicy;
  account: ThrottlePolicy;
  clock?: Clock;
}

const MINUTE = 60_000;
const PRUNE_BATCH = 50;

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  accountSource: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: MINUTE, lockAfter: 10, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE },
  source: { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: MINUTE, lockAfter: 100, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE },
  account: { freeFailures: 10, baseDelayMs: 250, maxDelayMs: 2000, lockAfter: null, lockMs: 0, windowMs: 15 * MINUTE },
};

/** The counters as stored (login_attempts.scope). */
type Scope = 'account_ip' | 'ip' | 'account';
const POLICY_OF: Record<Scope, keyof Omit<LoginThrottleOptions, 'clock'>> = { account_ip: 'accountSource', ip: 'source', account: 'account' };

const LOCKED_MESSAGE: Record<Scope, string> = {
  account_ip: 'too many failed logins for this account from this address; try again later',
  ip: 'too many failed logins from this address; try again later',
  account: 'too many failed logins for this account; try again later',
};

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
  recordSuccess(email: string, ip: string): Promise<void>;
}

export function delayAfter(policy: ThrottlePolicy, failures: number): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - policy.freeFailures));
}

const normalized = (email: string) => email.trim().toLowerCase();

function subjects(email: string, ip: string): Array<[Scope, string]> {
  const account = normalized(email);
  // An address never contains '|', so the pair is unambiguous.
  return [
    ['account_ip', `${ip}|${account}`],
    ['ip', ip],
    ['account', account],
  ];
}

export function createLoginThrottle(db: Queryable, options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE): LoginThrottle {
  const clock = options.clock ?? systemClock;
  const policy = (scope: Scope): ThrottlePolicy => options[POLICY_OF[scope]];
  const longestWindow = Math.max(...Object.values(POLICY_OF).map((k) => options[k].windowMs));

  return {
    async check(email, ip) {
      const now = clock();
      const keys = subjects(email, ip);
      const res = await db.query<AttemptRow>(
        `SELECT scope, failures, first_failure_at, last_failure_at, locked_until FROM login_attempts
         WHERE (scope, subject) IN (($1, $2), ($3, $4), ($5, $6))`,
        keys.flat(),
      );
      const rows = [...res.rows].sort((a, b) => keys.findIndex(([s]) => s === a.scope) - keys.findIndex(([s]) => s === b.scope));
      for (const row of rows) {
        const p = policy(row.scope);
        const lockedUntil = p.lockAfter !== null && row.locked_until ? new Date(row.locked_until).getTime() : 0;
        if (lockedUntil > now) {
          throw new SyntraError('account_locked', LOCKED_MESSAGE[row.scope], { details: { scope: row.scope, retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) } });
        }
      }
      for (const row of rows) {
        const p = policy(row.scope);
        if (new Date(row.first_failure_at).getTime() < now - p.windowMs) continue;
        const notBefore = new Date(row.last_failure_at).getTime() + delayAfter(p, row.failures);
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
      // A spray of made-up emails adds rows nobody will read again: each failure adds at most three
      // and removes up to PRUNE_BATCH expired ones, so the table stays the size of what is active.
      await db.query(
        `DELETE FROM login_attempts WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM login_attempts WHERE last_failure_at < $1 AND (locked_until IS NULL OR locked_until < $2) LIMIT ${PRUNE_BATCH}))`,
        [new Date(now - longestWindow), new Date(now)],
      );
      for (const [scope, subject] of subjects(email, ip)) {
        const p = policy(scope);
        const res = await db.query<{ failures: number }>(
          `INSERT INTO login_attempts (scope, subject, failures, first_failure_at, last_failure_at) VALUES ($1, $2, 1, $3, $3)
           ON CONFLICT (scope, subject) DO UPDATE SET
             failures = CASE WHEN login_attempts.first_failure_at < $4 THEN 1 ELSE login_attempts.failures + 1 END,
             first_failure_at = CASE WHEN login_attempts.first_failure_at < $4 THEN $3 ELSE login_attempts.first_failure_at END,
             last_failure_at = $3
           RETURNING failures`,
          [scope, subject, new Date(now), new Date(now - p.windowMs)],
        );
        if (p.lockAfter !== null && (res.rows[0]?.failures ?? 0) >= p.lockAfter) {
          await db.query('UPDATE login_attempts SET locked_until = $3 WHERE scope = $1 AND subject = $2', [scope, subject, new Date(now + p.lockMs)]);
          lockedScopes.push(scope);
        }
      }
      return { lockedScopes };
    },

    async recordSuccess(email, ip) {
      const [[scope, subject]] = subjects(email, ip) as [[Scope, string]];
      await db.query('DELETE FROM login_attempts WHERE scope = $1 AND subject = $2', [scope, subject]);
    },
  };
}
