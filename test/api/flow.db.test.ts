import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { eventually, startApiHarness, type ApiHarness } from './harness.js';
import { readSse, type SseFrame } from './sse-client.js';

/**
 * The whole path over real HTTP: submit → the run is visible → the in-process worker (built-in
 * `echo`/`sleep`) completes it → its ledger streams as Server-Sent Events and the stream ends.
 */
let h: ApiHarness;
let worker: RunningWorker;
let base: string;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, timing: { heartbeatMs: 200 }, kinds: ['idem.none', 'list.kind'] });
  worker = startWorker({ db: h.db, bus: h.bus, registry: createRegistry(), concurrency: 2, pollIntervalMs: 200, leaseSeconds: 30, shutdownGraceMs: 2000 });
  base = await h.listen();
});
afterAll(async () => {
  await worker?.stop();
  await h?.close();
});

async function submit(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/v1/commands/submit`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function getRun(runId: string) {
  const res = await fetch(`${base}/v1/runs/${runId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { run: { id: string; status: string; output: unknown }; tasks: unknown[]; events: Array<{ seq: number; type: string }> };
}

const waitForStatus = (runId: string, status: string) =>
  eventually(async () => ((await getRun(runId)).run.status === status ? true : undefined), `run ${runId} to be ${status}`);

const seqs = (frames: SseFrame[]) => frames.filter((f) => f.id !== undefined).map((f) => Number(f.id));

describe('submit → worker → events', () => {
  it('an echo command completes and its events stream, then the stream ends', async () => {
    const res = await submit({ kind: 'echo', input: { message: 'hello' } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { runId: string; commandId: string; threadId: string; status: string };
    expect(created).toMatchObject({ status: 'queued' });
    expect(created.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.threadId).toMatch(/^[0-9a-f-]{36}$/);

    const visible = await getRun(created.runId);
    expect(visible.run.id).toBe(created.runId);
    expect(visible.tasks).toHaveLength(1);

    const stream = await readSse(`${base}/v1/runs/${created.runId}/events`);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const last = stream.frames.at(-1)!;
    expect(last.event).toBe('end');
    expect(JSON.parse(last.data!)).toEqual({ runId: created.runId, status: 'succeeded' });
    const ids = seqs(stream.frames);
    expect(ids[0]).toBe(1);
    expect(ids).toEqual(ids.map((_, i) => i + 1)); // gap-free, in order
    const types = stream.frames.map((f) => f.event);
    expect(types[0]).toBe('run.queued');
    const first = JSON.parse(stream.frames[0]!.data!) as { runId: string; seq: number; type: string };
    expect(first).toMatchObject({ runId: created.runId, seq: 1, type: 'run.queued' });

    const done = await getRun(created.runId);
    expect(done.run).toMatchObject({ status: 'succeeded', output: { message: 'hello' } });
    expect(done.events.map((e) => e.seq)).toEqual(ids);
  });

  it('resumes from Last-Event-ID (and ?after=) with only the later events', async () => {
    const { runId } = (await (await submit({ kind: 'echo', input: { then: [{ step: 2 }] } })).json()) as { runId: string };
    const full = await readSse(`${base}/v1/runs/${runId}/events`);
    const all = seqs(full.frames);
    expect(all.length).toBeGreaterThan(3);
    const k = all[2]!;

    const resumed = await readSse(`${base}/v1/runs/${runId}/events`, { headers: { 'last-event-id': String(k) } });
    expect(seqs(resumed.frames)).toEqual(all.filter((s) => s > k));
    expect(resumed.frames.at(-1)?.event).toBe('end');

    const viaQuery = await readSse(`${base}/v1/runs/${runId}/events?after=${k}`);
    expect(seqs(viaQuery.frames)).toEqual(all.filter((s) => s > k));
  });

  it('streams live events of a running run and sends heartbeats while it waits', async () => {
    const { runId } = (await (await submit({ kind: 'sleep', input: { ms: 1500 } })).json()) as { runId: string };
    const stream = await readSse(`${base}/v1/runs/${runId}/events`);
    expect(stream.frames.at(-1)?.event).toBe('end');
    expect(JSON.parse(stream.frames.at(-1)!.data!)).toMatchObject({ status: 'succeeded' });
    expect(stream.comments).toContain('heartbeat');
  });

  it('cancel over HTTP ends the stream with status cancelled; a second cancel is 409', async () => {
    const { runId } = (await (await submit({ kind: 'sleep', input: { ms: 600_000 } })).json()) as { runId: string };
    await waitForStatus(runId, 'running');
    const streaming = readSse(`${base}/v1/runs/${runId}/events`);
    const cancel = await fetch(`${base}/v1/runs/${runId}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"test"}' });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({ runId, status: 'cancelled' });
    const stream = await streaming;
    expect(stream.frames.map((f) => f.event)).toContain('run.cancelled');
    expect(JSON.parse(stream.frames.at(-1)!.data!)).toMatchObject({ status: 'cancelled' });

    const again = await fetch(`${base}/v1/runs/${runId}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'run_finished' } });
  });
});

describe('idempotency over HTTP', () => {
  it('a retry with the same key answers 200 with the same ids', async () => {
    const body = { kind: 'echo', input: { n: 1 } };
    const first = await submit(body, { 'idempotency-key': 'flow-key-1' });
    const second = await submit(body, { 'idempotency-key': 'flow-key-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const a = (await first.json()) as Record<string, string>;
    const b = (await second.json()) as Record<string, string>;
    expect([b.runId, b.commandId, b.threadId]).toEqual([a.runId, a.commandId, a.threadId]);
  });

  it('concurrent submits with one key make one run', async () => {
    const body = { kind: 'idem.none', input: { n: 2 } };
    const responses = await Promise.all(Array.from({ length: 6 }, () => submit(body, { 'idempotency-key': 'flow-key-2' })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    const runIds = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { runId: string }).runId)));
    expect(runIds.size).toBe(1);
    const listed = (await (await fetch(`${base}/v1/runs?kind=idem.none`)).json()) as { items: unknown[] };
    expect(listed.items).toHaveLength(1);
  });
});

describe('GET /v1/runs', () => {
  it('filters by kind and status and pages with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await (await submit({ kind: 'list.kind', input: { i } })).json()) as { runId: string }).runId);
    const page1 = (await (await fetch(`${base}/v1/runs?kind=list.kind&limit=2`)).json()) as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(page1.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await (await fetch(`${base}/v1/runs?kind=list.kind&limit=2&cursor=${page1.nextCursor}`)).json()) as typeof page1;
    expect(page2.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();

    const queued = (await (await fetch(`${base}/v1/runs?kind=list.kind&status=queued`)).json()) as typeof page1;
    expect(queued.items).toHaveLength(3);
    const succeeded = (await (await fetch(`${base}/v1/runs?kind=list.kind&status=succeeded`)).json()) as typeof page1;
    expect(succeeded.items).toHaveLength(0);
    const future = (await (await fetch(`${base}/v1/runs?kind=list.kind&since=2999-01-01`)).json()) as typeof page1;
    expect(future.items).toHaveLength(0);
    const past = (await (await fetch(`${base}/v1/runs?kind=list.kind&since=2000-01-01T00:00:00Z`)).json()) as typeof page1;
    expect(past.items).toHaveLength(3);
  });
});
