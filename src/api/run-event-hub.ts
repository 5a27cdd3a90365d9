import type { Bus } from '../bus/bus.js';
import { runIdOf } from '../bus/subjects.js';
import { listEvents } from '../control-plane/ledger.js';
import { readRunTails } from '../control-plane/ledger-tail.js';
import { getRunStatus } from '../control-plane/runs.js';
import { TERMINAL_RUN_STATUSES, type LedgerEvent, type RunStatus } from '../control-plane/types.js';
import type { Database } from '../db/database.js';

/**
 * One process's fan-out of run ledgers to every live follower (SSE streams, GraphQL
 * subscriptions). Followers never query on their own while live: ONE bus subscription
 * (`syntra.run.*.events`, held while anyone follows) marks runs dirty, and ONE statement per batch
 * reads the new events and status of every dirty run (readRunTails), which are then pushed to all
 * followers of each run. A slow sweep marks every followed run dirty, the backstop after a missed
 * notification; its cost grows with the runs followed, never with the followers.
 *
 * A follower first catches up from the database on its own (replay after its Last-Event-ID), then
 * goes live in the same synchronous step that checks it is not behind the hub's cursor, so it
 * gets every event exactly once, in order.
 *
 * Backpressure: a live follower still holding `queueCap` events when the next batch comes is slow
 * (its client reads slowly): it loses its queue and catches up from the database again when it
 * next reads, as a reconnecting client would. No event is lost, memory stays bounded (`queueCap`
 * plus one batch per follower), and nobody else waits for it.
 */
export type FeedItem = { kind: 'event'; event: LedgerEvent } | { kind: 'end'; status: string };

export interface RunEventHub {
  /** The run's events after `afterSeq`, live, ending with `end` once the run is terminal (or gone). */
  follow(runId: string, afterSeq: number, signal: AbortSignal): AsyncGenerator<FeedItem, void>;
  close(): void;
}

export interface RunEventHubOptions {
  db: Database;
  bus: Bus;
  /** Backstop: every followed run is re-read this often even without a notification. */
  sweepMs: number;
  queueCap?: number;
  /** A failed batch read (the sweep retries it); defaults to silence. */
  onError?: (e: unknown) => void;
}

const REPLAY_BATCH = 200;
const TAIL_LIMIT = 200;
const RUN_EVENTS_ALL = 'syntra.run.*.events';

interface Follower {
  queue: FeedItem[];
  overflowed: boolean;
  wake: (() => void) | undefined;
}

interface Feed {
  /** The highest seq the hub has read for this run (undefined until a follower first goes live). */
  cursor: number | undefined;
  dirty: boolean;
  /** Set once a read saw the run terminal with nothing left after the cursor. */
  ended: string | undefined;
  live: Set<Follower>;
  followers: number;
}

const isEnd = (status: RunStatus | undefined) => status === undefined || TERMINAL_RUN_STATUSES.has(status);

export function createRunEventHub(o: RunEventHubOptions): RunEventHub {
  const cap = o.queueCap ?? 500;
  const feeds = new Map<string, Feed>();
  let unsubscribe: (() => void) | undefined;
  let sweep: NodeJS.Timeout | undefined;
  let scheduled = false;
  let reading = false;
  let closed = false;

  const schedule = () => {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void readDirty();
    });
  };

  const readable = (f: Feed) => f.dirty && f.cursor !== undefined && f.live.size > 0 && f.ended === undefined;

  /** A follower still holding `cap` events when the next batch comes is slow: it goes back to the database. */
  const deliver = (feed: Feed, items: FeedItem[]) => {
    for (const follower of [...feed.live]) {
      if (follower.queue.length >= cap) {
        follower.overflowed = true;
        follower.queue.length = 0;
        feed.live.delete(follower);
      } else {
        follower.queue.push(...items);
      }
      follower.wake?.();
    }
  };

  async function readDirty(): Promise<void> {
    if (reading) return;
    const batch = [...feeds].filter(([, f]) => readable(f));
    if (batch.length === 0) return;
    reading = true;
    for (const [, f] of batch) f.dirty = false;
    try {
      const tails = await readRunTails(o.db, batch.map(([runId, f]) => ({ runId, afterSeq: f.cursor! })), TAIL_LIMIT);
      for (const tail of tails) {
        const feed = feeds.get(tail.runId);
        if (!feed || feed.cursor === undefined) continue;
        const fresh = tail.events.filter((e) => e.seq > feed.cursor!);
        const items: FeedItem[] = fresh.map((event) => ({ kind: 'event', event }));
        if (fresh.length > 0) feed.cursor = fresh.at(-1)!.seq;
        if (tail.events.length === TAIL_LIMIT) feed.dirty = true;
        else if (isEnd(tail.status)) {
          feed.ended = tail.status ?? 'unknown';
          items.push({ kind: 'end', status: feed.ended });
        }
        if (items.length > 0) deliver(feed, items);
        if (feed.ended !== undefined) feed.live.clear();
      }
    } catch (e) {
      // Left to the sweep rather than retried at once against a database that just failed.
      o.onError?.(e);
    } finally {
      reading = false;
    }
    if ([...feeds.values()].some(readable)) schedule();
  }

  const onNotification = (subject: string) => {
    const feed = feeds.get(runIdOf(subject) ?? '');
    if (!feed || feed.ended !== undefined) return;
    feed.dirty = true;
    schedule();
  };

  const join = (runId: string): Feed => {
    let feed = feeds.get(runId);
    if (!feed) {
      feed = { cursor: undefined, dirty: false, ended: undefined, live: new Set(), followers: 0 };
      feeds.set(runId, feed);
    }
    feed.followers++;
    if (!sweep && !closed) {
      try {
        unsubscribe = o.bus.subscribe(RUN_EVENTS_ALL, onNotification);
      } catch {
        // The bus is best effort; the sweep still finds new events.
      }
      sweep = setInterval(() => {
        for (const f of feeds.values()) if (f.live.size > 0 && f.ended === undefined) f.dirty = true;
        schedule();
      }, o.sweepMs);
      sweep.unref();
    }
    return feed;
  };

  const leave = (runId: string, feed: Feed, follower: Follower) => {
    feed.live.delete(follower);
    if (--feed.followers > 0) return;
    feeds.delete(runId);
    if (feeds.size === 0) release();
  };

  const release = () => {
    clearInterval(sweep);
    sweep = undefined;
    const off = unsubscribe;
    unsubscribe = undefined;
    try {
      void Promise.resolve(off?.()).catch(() => {});
    } catch {
      // Unsubscribing from a closed bus is harmless.
    }
  };

  const nextWake = (follower: Follower, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        follower.wake = undefined;
        resolve();
      };
      follower.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });

  async function* follow(runId: string, afterSeq: number, signal: AbortSignal): AsyncGenerator<FeedItem, void> {
    const feed = join(runId);
    const follower: Follower = { queue: [], overflowed: false, wake: undefined };
    try {
      let after = afterSeq;
      while (!signal.aborted) {
        // Catch up from the database. Status before events: once terminal is seen, the events
        // read right after include everything the run will ever append.
        const status = (await getRunStatus(o.db, runId))?.status;
        let batch: LedgerEvent[];
        do {
          batch = await listEvents(o.db, runId, { afterSeq: after, limit: REPLAY_BATCH });
          for (const event of batch) {
            if (signal.aborted) return;
            yield { kind: 'event', event };
            after = event.seq;
          }
        } while (!signal.aborted && (batch.length === REPLAY_BATCH || (feed.cursor !== undefined && after < feed.cursor)));
        if (signal.aborted) return;
        if (isEnd(status) || (feed.ended !== undefined && after >= feed.cursor!)) {
          yield { kind: 'end', status: status !== undefined && isEnd(status) ? status : (feed.ended ?? 'unknown') };
          return;
        }
        // Live, in the same synchronous step as the check above: the hub delivers everything after its cursor.
        feed.cursor ??= after;
        follower.overflowed = false;
        feed.live.add(follower);
        if (feed.dirty) schedule();
        while (!signal.aborted && !follower.overflowed) {
          const item = follower.queue.shift();
          if (!item) {
            await nextWake(follower, signal);
            continue;
          }
          if (item.kind === 'end') {
            yield item;
            return;
          }
          if (item.event.seq <= after) continue;
          yield item;
          after = item.event.seq;
        }
      }
    } finally {
      leave(runId, feed, follower);
    }
  }

  return {
    follow,
    close() {
      closed = true;
      release();
      for (const feed of feeds.values()) for (const follower of feed.live) follower.wake?.();
    },
  };
}
