import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type SyntraApp } from '../../src/api/app.js';
import type { Bus } from '../../src/bus/bus.js';
import { eventually, startApiHarness, type ApiHarness } from './harness.js';

/**
 * Event streams release what they hold: a client that disconnects, or a server that closes,
 * ends the stream and drops its bus subscription. The bus is the real one, wrapped only to count
 * live subscriptions.
 */
let h: ApiHarness;
let app: SyntraApp;
let base: string;
let live = 0;

function countingBus(bus: Bus): Bus {
  return {
    publish: (s, p) => bus.publish(s, p),
    subscribe(subject, handler) {
      live++;
      const off = bus.subscribe(subject, handler);
      let done = false;
      return () => {
        if (!done) live--;
        done = true;
        off();
      };
    },
    isConnected: () => bus.isConnected(),
    close: () => bus.close(),
  };
}

beforeAll(async () => {
  h = await startApiHarness({ kinds: ['never.handled'] });
  app = await buildApp({ config: h.config, db: h.db, bus: countingBus(h.bus), logger: false, timing: { eventsPollMs: 100 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function pendingRun(): Promise<string> {
  // No worker handles this kind, so the run stays queued and its stream stays open.
  const res = await app.inject({ method: 'POST', url: '/v1/commands/submit', headers: { 'content-type': 'application/json', ...h.authHeaders }, payload: '{"kind":"never.handled","input":{}}' });
  return (res.json() as { runId: string }).runId;
}

async function openStream(runId: string, signal: AbortSignal) {
  const res = await fetch(`${base}/v1/runs/${runId}/events`, { signal, headers: h.authHeaders });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  // Read until the first ledger event has arrived, so the server loop is running.
  let text = '';
  while (!text.includes('event: run.queued')) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  return { reader, text };
}

describe('SSE lifecycle', () => {
  it('a client disconnect ends the stream and drops its bus subscription', async () => {
    const runId = await pendingRun();
    const client = new AbortController();
    const { text } = await openStream(runId, client.signal);
    expect(text).toContain('id: 1');
    expect(live).toBe(1);
    client.abort();
    await eventually(async () => (live === 0 ? true : undefined), 'the subscription to be dropped');
  });

  it('closing the server ends open streams instead of hanging', async () => {
    const runId = await pendingRun();
    const { reader } = await openStream(runId, AbortSignal.timeout(20_000));
    expect(live).toBe(1);
    await app.close();
    // The stream reaches its end (no `end` event: the run is not finished, the server is).
    let done = false;
    for (let i = 0; i < 100 && !done; i++) done = (await reader.read()).done;
    expect(done).toBe(true);
    expect(live).toBe(0);
  });
});
