import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunEventHub, type FeedItem, type RunEventHub } from '../../src/api/run-event-hub.js';
import { notifyRunEvents } from '../../src/api/wakeup.js';
import type { Bus } from '../../src/bus/bus.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { appendEvent, listEvents } from '../../src/control-plane/ledger.js';
import { cancelRun } from '../../src/control-plane/runs.js';
import type { Database } from '../../src/db/database.js';
import { createTestBus, waitFor } from '../helpers/bus.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startApiHarness } from './harness.js';
import { readSse } from './sse-client.js';

/**
 * The run event hub on the real database and bus of each backend (NATS where NATS_URL is set):
 * every follower gets every event once and in order, joins mid-run without gap or duplicate,
 * the sweep recovers missed notifications, a slow follower falls back to the database without
 * holding up others, and the ledger is read per batch, not per follower. The database is the
 * real one, wrapped only to count the statements the hub sends.
 */
let t: TestDatabase;
let bus: Bus;
const counts = { tails: 0, replays: 0 };

function countingDb(db: Database): Database {
  return {
    dialect: db.dialect,
    query: <R,>(text: string, params?: readonly unknown[]) => {
      if (text.includes('unnest($1::uuid[], $2::bigint[])')) counts.tails++;
      if (text.includes('FROM ledger_events WHERE run_id = $1 AND seq > $2')) counts.replays++;
      return db.query<R>(text, params);
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  bus = await createTestBus();
});
afterAll(async () => {
  await bus?.close();
  await t?.drop();
});

const NEVER = 600_000;

async function openRun(): Promise<string> {
  return (await submitCommand(t.db, { kind: 'hub.test', input: {} })).runId;
}

async function append(runId: string, i: number, notify = true): Promise<void> {
  await t.db.transaction((tx) => appendEvent(tx, { runId, type: 'test.tick', data: { i } }));
  if (notify) notifyRunEvents(bus, runId);
}

async function finish(runId: string, notify = true): Promise<void> {
  await cancelRun(t.db, runId);
  if (notify) notifyRunEvents(bus, runId);
}

/** Pulls a follower to its end, collecting what it yields. */
function drain(hub: RunEventHub, runId: string, afterSeq: number) {
  const items: FeedItem[] = [];
  const done = (async () => {
    for await (const item of hub.follow(runId, afterSeq, AbortSignal.timeout(60_000))) items.push(item);
  })();
  return { items, done, seqs: () => items.flatMap((i) => (i.kind === 'event' ? [i.event.seq] : [])) };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const lastSeq = async (runId: string) => (await listEvents(t.db, runId, { limit: 10_000 })).at(-1)!.seq;

describe('run event hub', () => {
  it('fans every event out once and in order to many followers, reading the ledger per batch, not per follower', async () => {
    const hub = createRunEventHub({ db: countingDb(t.db), bus, sweepMs: NEVER });
    const runId = await openRun();
    const first = await lastSeq(runId);
    const followers = Array.from({ length: 40 }, () => drain(hub, runId, 0));
    await waitFor(() => followers.every((f) => f.seqs().length === first), 'every follower to replay the run so far');
    counts.tails = 0;
    for (let i = 0; i < 20; i++) await append(runId, i);
    await finish(runId);
    await Promise.all(followers.map((f) => f.done));
    const total = await lastSeq(runId);
    for (const f of followers) {
      expect(f.seqs()).toEqual(range(1, total));
      expect(f.items.at(-1)).toEqual({ kind: 'end', status: 'cancelled' });
    }
    // 21 notifications: at most one read each, whatever the number of followers.
    expect(counts.tails).toBeGreaterThan(0);
    expect(counts.tails).toBeLessThanOrEqual(21);
    hub.close();
  });

  it('recovers events whose notification never came through the sweep', async () => {
    const hub = createRunEventHub({ db: t.db, bus, sweepMs: 100 });
    const runId = await openRun();
    const first = await lastSeq(runId);
    const followers = Array.from({ length: 5 }, () => drain(hub, runId, 0));
    await waitFor(() => followers.every((f) => f.seqs().length === first), 'every follower to replay the run so far');
    for (let i = 0; i < 10; i++) await append(runId, i, false);
    await finish(runId, false);
    await Promise.all(followers.map((f) => f.done));
    const total = await lastSeq(runId);
    for (const f of followers) {
      expect(f.seqs()).toEqual(range(1, total));
      expect(f.items.at(-1)).toEqual({ kind: 'end', status: 'cancelled' });
    }
    hub.close();
  });

  it('gives a follower joining mid-run the replay, then live events, without gap or duplicate', async () => {
    const hub = createRunEventHub({ db: t.db, bus, sweepMs: NEVER });
    const runId = await openRun();
    const early = drain(hub, runId, 0);
    const joined: Array<ReturnType<typeof drain>> = [];
    for (let i = 0; i < 60; i++) {
      await append(runId, i);
      // Joins land while events are committing and being fanned out.
      if (i === 20) joined.push(drain(hub, runId, 0));
      if (i === 40) joined.push(drain(hub, runId, 10));
    }
    await finish(runId);
    await Promise.all([early.done, ...joined.map((f) => f.done)]);
    const total = await lastSeq(runId);
    expect(early.seqs()).toEqual(range(1, total));
    expect(joined[0]!.seqs()).toEqual(range(1, total));
    expect(joined[1]!.seqs()).toEqual(range(11, total));
    for (const f of [early, ...joined]) expect(f.items.at(-1)).toEqual({ kind: 'end', status: 'cancelled' });
    hub.close();
  });

  it('drops the queue of a follower that does not read and lets it catch up from the database, without holding up the others', async () => {
    const hub = createRunEventHub({ db: countingDb(t.db), bus, sweepMs: NEVER, queueCap: 5 });
    const runId = await openRun();
    const first = await lastSeq(runId);
    const fast = drain(hub, runId, 0);
    const slow = hub.follow(runId, 0, AbortSignal.timeout(60_000));
    const slowSeqs: number[] = [];
    for (let i = 0; i < first; i++) {
      const r = await slow.next();
      if (!r.done && r.value.kind === 'event') slowSeqs.push(r.value.event.seq);
    }
    // The slow follower is live now and reads nothing while 30 events arrive.
    const waiting = slow.next();
    await waitFor(() => fast.seqs().length === first, 'the fast follower to replay');
    // One batch per event: the fast follower takes each before the next commits.
    for (let i = 1; i <= 30; i++) {
      await append(runId, i);
      await waitFor(() => fast.seqs().length === first + i, 'the fast follower to get each event while the slow one reads nothing');
    }
    const replaysBefore = counts.replays;
    await finish(runId);
    let r = await waiting;
    let end: FeedItem | undefined;
    while (!r.done) {
      if (r.value.kind === 'event') slowSeqs.push(r.value.event.seq);
      else end = r.value;
      r = await slow.next();
    }
    await fast.done;
    const total = await lastSeq(runId);
    expect(slowSeqs).toEqual(range(1, total));
    expect(end).toEqual({ kind: 'end', status: 'cancelled' });
    expect(fast.seqs()).toEqual(range(1, total));
    // It overflowed its queue of 5, so it read the rest from the database itself.
    expect(counts.replays).toBeGreaterThan(replaysBefore);
    hub.close();
  });
});

describe('SSE over the hub', () => {
  it('streams every event once and in order to many clients of one run, then ends', async () => {
    const h = await startApiHarness({ kinds: ['hub.sse'] });
    try {
      const base = await h.listen();
      const { runId } = await submitCommand(h.db, { kind: 'hub.sse', input: {} });
      const clients = Array.from({ length: 10 }, () => readSse(`${base}/v1/runs/${runId}/events`, { timeoutMs: 60_000 }));
      for (let i = 0; i < 15; i++) {
        await h.db.transaction((tx) => appendEvent(tx, { runId, type: 'test.tick', data: { i } }));
        notifyRunEvents(h.bus, runId);
      }
      await cancelRun(h.db, runId);
      notifyRunEvents(h.bus, runId);
      const total = (await listEvents(h.db, runId, { limit: 10_000 })).at(-1)!.seq;
      for (const result of await Promise.all(clients)) {
        expect(result.status).toBe(200);
        expect(result.frames.filter((f) => f.id !== undefined).map((f) => Number(f.id))).toEqual(range(1, total));
        expect(result.frames.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ runId, status: 'cancelled' }) });
      }
    } finally {
      await h.close();
    }
  });
});
