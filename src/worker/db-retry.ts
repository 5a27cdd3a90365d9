import { isSyntraError } from '../domain/errors.js';

/**
 * Retries an operation through transient failures (database or network down) with capped
 * exponential backoff. A SyntraError is a definitive answer from the control plane (lease_lost,
 * not_found, …) and is never retried.
 */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  o: { attempts: number; baseMs?: number; capMs?: number; onRetry?: (e: unknown, attempt: number) => void },
): Promise<T> {
  const base = o.baseMs ?? 100;
  const cap = o.capMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (isSyntraError(e) || attempt >= o.attempts) throw e;
      o.onRetry?.(e, attempt);
      const d = Math.min(cap, base * 2 ** (attempt - 1));
      await new Promise((r) => setTimeout(r, d / 2 + Math.random() * (d / 2)));
    }
  }
}
