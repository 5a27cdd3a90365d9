import { systemClock, type Clock } from './clock.js';
import type { Role } from './permissions.js';
import type { Principal } from './principal.js';
import type { RateLimitStore, WindowKey } from './rate-limit-store.js';

/**
 * Request budgets: per principal (key or user) with a per-minute and a per-hour window,
 * configurable per role and per key; per client IP for unauthenticated requests.
 *
 * Why not @fastify/rate-limit: its store contract counts ONE window per registration and its
 * key/limit are decided before our authentication runs; we need two windows per subject in one
 * atomic round trip, limits that depend on the resolved principal, headers on every response
 * (401 and 404 included), and the same counters behind /v1/rate-limit. That is ~100 lines here.
 */
export interface RateLimitPolicy {
  perMinute: number;
  perHour: number;
}

export interface RateLimitOptions {
  /** Any authenticated principal without a more specific policy. */
  default: RateLimitPolicy;
  /** Unauthenticated requests, per client IP (login included). */
  anonymous: RateLimitPolicy;
  /** Per role; a principal with several roles gets the most generous of them. */
  roles?: Partial<Record<Role, RateLimitPolicy>>;
  clock?: Clock;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  default: { perMinute: 60, perHour: 1000 },
  anonymous: { perMinute: 60, perHour: 1000 },
};

export interface WindowState {
  window: 'minute' | 'hour';
  limit: number;
  used: number;
  remaining: number;
  /** Epoch ms when this window starts over. */
  resetAt: number;
}

export interface RateLimitDecision {
  subject: string;
  allowed: boolean;
  windows: WindowState[];
  /** The window that decides the headers: the exhausted one, else the one with least left. */
  binding: WindowState;
  retryAfterSeconds: number;
}

const WINDOWS: readonly (WindowKey & { name: 'minute' | 'hour' })[] = [
  { name: 'minute', ms: 60_000 },
  { name: 'hour', ms: 3_600_000 },
];

export interface RateLimiter {
  hit(principal: Principal | null, ip: string): Promise<RateLimitDecision>;
  peek(principal: Principal | null, ip: string): Promise<RateLimitDecision>;
  policyFor(principal: Principal | null): RateLimitPolicy;
}

export function createRateLimiter(store: RateLimitStore, options: RateLimitOptions = DEFAULT_RATE_LIMITS): RateLimiter {
  const clock = options.clock ?? systemClock;

  function policyFor(principal: Principal | null): RateLimitPolicy {
    if (!principal) return options.anonymous;
    let base: RateLimitPolicy | null = null;
    for (const role of principal.roles) {
      const p = options.roles?.[role as Role];
      if (p) base = base ? { perMinute: Math.max(base.perMinute, p.perMinute), perHour: Math.max(base.perHour, p.perHour) } : p;
    }
    base ??= options.default;
    return {
      perMinute: principal.rateLimit?.perMinute ?? base.perMinute,
      perHour: principal.rateLimit?.perHour ?? base.perHour,
    };
  }

  function decide(principal: Principal | null, ip: string, counts: number[], now: number, counted: boolean): RateLimitDecision {
    const policy = policyFor(principal);
    const subject = principal ? `${principal.type}:${principal.id}` : `ip:${ip}`;
    const windows = WINDOWS.map((w, i): WindowState => {
      const limit = w.name === 'minute' ? policy.perMinute : policy.perHour;
      const used = counts[i] ?? 0;
      return { window: w.name, limit, used, remaining: Math.max(0, limit - used), resetAt: Math.floor(now / w.ms) * w.ms + w.ms };
    });
    // With `counted`, this request is among `used`: it is over when used exceeds the limit.
    const over = windows.filter((w) => (counted ? w.used > w.limit : w.used >= w.limit));
    const binding = over.sort((a, b) => b.resetAt - a.resetAt)[0] ?? [...windows].sort((a, b) => a.remaining - b.remaining)[0]!;
    return {
      subject,
      allowed: over.length === 0,
      windows,
      binding,
      retryAfterSeconds: Math.max(1, Math.ceil((binding.resetAt - now) / 1000)),
    };
  }

  const subjectOf = (principal: Principal | null, ip: string): string => (principal ? `${principal.type}:${principal.id}` : `ip:${ip}`);

  return {
    policyFor,
    async hit(principal, ip) {
      const now = clock();
      return decide(principal, ip, await store.hit(subjectOf(principal, ip), WINDOWS, now), now, true);
    },
    async peek(principal, ip) {
      const now = clock();
      return decide(principal, ip, await store.peek(subjectOf(principal, ip), WINDOWS, now), now, false);
    },
  };
}
