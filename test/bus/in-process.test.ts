import { describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { openBus } from '../../src/bus/bus.js';

describe('in-process bus', () => {
  it('delivers to matching subscribers asynchronously, never on the publisher’s stack', async () => {
    const bus = createInProcessBus();
    const got: Array<[string, unknown]> = [];
    bus.subscribe('syntra.wake.*', (s, p) => got.push([s, p]));
    bus.subscribe('syntra.run.>', (s, p) => got.push([s, p]));
    const off = bus.subscribe('syntra.wake.echo', () => got.push(['unsubscribed', null]));
    off();
    const publishing = bus.publish('syntra.wake.echo', { a: 1 });
    expect(got).toEqual([]);
    await publishing;
    await bus.publish('syntra.run.r1.events', null);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([
      ['syntra.wake.echo', { a: 1 }],
      ['syntra.run.r1.events', null],
    ]);
  });

  it('a throwing subscriber does not affect others; closed bus reports disconnected', async () => {
    const bus = await openBus({ natsUrl: undefined });
    let n = 0;
    bus.subscribe('x', () => {
      throw new Error('bug');
    });
    bus.subscribe('x', () => n++);
    await bus.publish('x', 1);
    await new Promise((r) => setTimeout(r, 0));
    expect(n).toBe(1);
    expect(bus.isConnected()).toBe(true);
    await bus.close();
    expect(bus.isConnected()).toBe(false);
  });
});
