import { describe, expect, it } from 'vitest';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE } from '../../src/access/login-throttle.js';
import { useTestDatabase } from '../helpers/db.js';

describe('login throttle storage', () => {
  const t = useTestDatabase();
  const rows = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_attempts')).rows[0]!.n;

  it('forgets expired counters, so a spray of made-up emails does not grow the table without bound', async () => {
    let now = Date.parse('2026-12-04T00:00:00Z');
    const throttle = createLoginThrottle(t.db, { ...DEFAULT_LOGIN_THROTTLE, clock: () => now });
    for (let i = 0; i < 40; i++) await throttle.recordFailure(`nobody${i}@example.com`, `10.0.${i}.1`);
    expect(await rows()).toBe(120); // per (account, address), per address, per account
    now += 16 * 60_000; // past every window; nothing was locked
    await throttle.recordFailure('late@example.com', '10.9.9.9');
    await throttle.recordFailure('late2@example.com', '10.9.9.8');
    await throttle.recordFailure('late3@example.com', '10.9.9.7');
    expect(await rows()).toBe(9); // 120 stale ones gone in three failures of 50, the 9 fresh ones kept
  });

  it('keeps a lock until it lifts, even past its failure window', async () => {
    let now = Date.parse('2026-12-04T00:00:00Z');
    const policy = { ...DEFAULT_LOGIN_THROTTLE, accountSource: { ...DEFAULT_LOGIN_THROTTLE.accountSource, lockMs: 60 * 60_000 } };
    const throttle = createLoginThrottle(t.db, { ...policy, clock: () => now });
    for (let i = 0; i < 10; i++) await throttle.recordFailure('admin@example.com', '203.0.113.7');
    now += 30 * 60_000; // the window is over, the hour-long lock is not
    await throttle.recordFailure('other@example.com', '198.51.100.1'); // prunes what expired
    await expect(throttle.check('admin@example.com', '203.0.113.7')).rejects.toMatchObject({ code: 'account_locked' });
    now += 31 * 60_000;
    await expect(throttle.check('admin@example.com', '203.0.113.7')).resolves.toBeUndefined();
  });
});
