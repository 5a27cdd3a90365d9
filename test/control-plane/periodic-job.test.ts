import { describe, expect, it } from 'vitest';
import { startPeriodicJob } from '../../src/control-plane/periodic-job.js';

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

describe('periodic job', () => {
  it('never overlaps a round with itself: runOnce during a round joins it', async () => {
    let release = () => {};
    let rounds = 0;
    const job = startPeriodicJob({
      name: 'test',
      intervalMs: 3_600_000,
      round: () => new Promise<number>((resolve) => (rounds++, (release = () => resolve(rounds)))),
    });
    const a = job.runOnce();
    const b = job.runOnce();
    expect(rounds).toBe(1);
    release();
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    expect(await Promise.race([job.runOnce(), new Promise((r) => setTimeout(() => r('pending'), 20))])).toBe('pending');
    release();
    await job.stop();
    expect(rounds).toBe(2);
  });

  it('reports a failed round and runs the next one; the first round comes after firstRoundMs', async () => {
    const errors: string[] = [];
    let rounds = 0;
    const job = startPeriodicJob({
      name: 'flaky',
      intervalMs: 10,
      firstRoundMs: 1,
      round: async () => {
        if (++rounds === 1) throw new Error('database away');
        return rounds;
      },
      log: (level, message) => errors.push(`${level} ${message}`),
    });
    await until('a second round', () => rounds >= 2);
    await job.stop();
    expect(errors).toEqual(['warn flaky failed: database away']);
  });

  it('stop aborts the round in flight, waits for it, and no round follows', async () => {
    let rounds = 0;
    let sawAbort = false;
    const job = startPeriodicJob({
      name: 'loop',
      intervalMs: 5,
      firstRoundMs: 0,
      round: async (signal) => {
        rounds++;
        while (!signal.aborted) await new Promise((r) => setTimeout(r, 2));
        sawAbort = true;
      },
    });
    await until('the first round', () => rounds === 1);
    await job.stop();
    expect(sawAbort).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(rounds).toBe(1);
  });
});
