import { describe, expect, it } from 'vitest';
import { backoffDelayMs, compileRetryPolicy, isRetryableStatus, parseRetryAfter } from '../../src/llm/retry-policy.js';

const headers = (h: Record<string, string>) => new Headers(h);

describe('retry policy', () => {
  it('retries 408, 409, 429 and 5xx (incl. 529) but no other 4xx', () => {
    for (const s of [408, 409, 429, 500, 502, 503, 504, 529]) expect(isRetryableStatus(s), String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 413, 422]) expect(isRetryableStatus(s), String(s)).toBe(false);
  });

  it('reads Retry-After as seconds, fractions, HTTP date, and retry-after-ms first', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.25' }), now)).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '120', 'retry-after': '9' }), now)).toBe(120);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, within [step/2, step] and capped', () => {
    const p = compileRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelayMs(p, 1, () => 0)).toBe(50);
    expect(backoffDelayMs(p, 1, () => 1)).toBe(100);
    expect(backoffDelayMs(p, 3, () => 1)).toBe(400);
    expect(backoffDelayMs(p, 10, () => 1)).toBe(1000);
    expect(backoffDelayMs(p, 10, () => 0)).toBe(500);
  });

  it('compiles defaults and clamps nonsense', () => {
    expect(compileRetryPolicy()).toMatchObject({ maxAttempts: 3, maxRetryAfterMs: 30_000 });
    expect(compileRetryPolicy({ maxAttempts: 0 }).maxAttempts).toBe(1);
  });
});
