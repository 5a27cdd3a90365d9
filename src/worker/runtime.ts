import { markSpan, traceparentOf, tracingEnabled } from '../telemetry/spans.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Bus } from '../bus/bus.js';
import { RUN_CANCEL_ALL, runEventsSubject, runIdOf, taskWakeupSubject } from '../bus/subjects.js';
import type { Database } from '../db/database.js';
import { errorMessage } from '../domain/errors.js';
import { claim, type FailArgs } from '../control-plane/queue.js';
import { announceWorker, markWorkerStopped } from '../control-plane/workers.js';
import { createCompletionBatcher } from './completion-batcher.js';
import { startExecution, type Execution } from './execution.js';
import { Slots, type SlotTicket } from './slots.js';
import { silentLog, type TaskHandlerRegistry, type WorkerLog } from './registry.js';

/**
 * The worker: claims on wakeup and on a jittered poll (the backstop when the bus is down or a
 * retry comes due), runs up to `concurrency` handlers, and never crashes on database or bus
 * outages — claims back off and the poll keeps trying.
 *
 * Shutdown: stop claiming, give in-flight handlers `shutdownGraceMs` to finish, then abort them
 * and release their items so another worker picks them up at once.
 */
export interface WorkerOptions {
  db: Database;
  bus: Bus;
  registry: TaskHandlerRegistry;
  workerId?: string;
  concurrency: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  shutdownGraceMs: number;
  log?: WorkerLog;
  /** How long an aborted handler gets to return before its item is settled anyway (default 2 s). */
  abortGraceMs?: number;
  /** Retry backoff of failed attempts (default: base 1 s, cap 5 min). */
  backoff?: FailArgs['backoff'];
  /**
   * Items to claim ahead beyond `concurrency` (default 0: off). They wait in this worker, in
   * claim order, for a free handler slot — their leases renewed, their timeouts running — so a
   * worker of short tasks claims in batches instead of one freed slot at a time (graphile-worker's
   * localQueue idea). Leave it off for long tasks: a waiting item is one another worker could run.
   */
  prefetch?: number;
  /** How often the worker tells the registry it is alive and which task types it serves (default 15 s). */
  heartbeatMs?: number;
  /** The control-registry version its handlers have loaded, reported with every announcement. */
  controlVersion?: () => number;
  /**
   * Claiming waits for this (default: claims at once). Once it settles, the first claim comes
   * with the first wakeup or at the first poll, or at once when a wakeup came meanwhile.
   * `syntra up` lets its API serve first: embedded PGlite runs one statement at a time, and a first
   * claim plans the claim function (0.1–0.2 s) in front of the first requests' statements.
   */
  claimAfter?: Promise<unknown>;
}

export interface RunningWorker {
  readonly workerId: string;
  /**
   * Resolves once the registry knows this worker and its task types (rejects if the first
   * announcement failed; heartbeats keep trying). A process that serves the API awaits it
   * before listening, so its own task types are never refused as unknown.
   */
  readonly registered: Promise<void>;
  /** Handlers running right now (not counting claimed items waiting for a slot). */
  readonly running: number;
  /** Tells the registry now what it serves and which control version it has loaded (e.g. right after a reload). */
  announce(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_CLAIM_BACKOFF_MS = 30_000;

export function startWorker(o: WorkerOptions): RunningWorker {
  const log = o.log ?? silentLog;
  const workerId = o.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const taskTypes = o.registry.types();
  const inflight = new Map<string, Execution>();
  const slots = new Slots(o.concurrency);
  const tickets = new Map<string, SlotTicket>();
  const prefetch = Math.max(0, Math.trunc(o.prefetch ?? 0));
  const capacity = o.concurrency + prefetch;
  // With items waiting for a slot, topping up one item at a time would cost a claim per item:
  // wait until half the prefetch room is free (the waiting items keep every slot busy meanwhile).
  const minTopUp = Math.max(1, Math.ceil(prefetch / 2));
  // One claim at a time (two in parallel measured no better on 2 cores).
  let claimInFlight = false;
  let stopping = false;
  let claimWanted = false;
  let claimFailures = 0;
  let pollTimer: NodeJS.Timeout | undefined;
  let gated = Boolean(o.claimAfter);
  let wokenWhileGated = false;
  // A busy worker claims its next items in the commit of its completions (one commit per batch):
  // the room those completions free, while no other claim is in flight.
  const completions = createCompletionBatcher(o.db, {
    take(completing) {
      const room = capacity - inflight.size + completing;
      if (stopping || claimInFlight || claimFailures > 0 || room < 1) return null;
      claimInFlight = true;
      claimWanted = false;
      return { workerId, taskTypes, limit: room, leaseSeconds: o.leaseSeconds };
    },
    claimed(items, limit) {
      claimInFlight = false;
      for (const item of items ?? []) launch(item);
      if ((items && items.length >= limit) || claimWanted) requestClaim();
    },
  });

  const publish = (subject: string) => {
    if (!o.bus.isConnected()) return;
    o.bus.publish(subject, {}).catch(() => {
      // Best effort: SSE readers and other workers poll as a backstop.
    });
  };

  const onCommitted = (runId: string, followUpTypes: string[]) => {
    publish(runEventsSubject(runId));
    // The relay publishes these wakeups too (from the outbox); doing it here as well saves
    // other workers a poll interval when no relay runs in this process.
    for (const t of new Set(followUpTypes)) publish(taskWakeupSubject(t));
    if (followUpTypes.some((t) => o.registry.get(t))) requestClaim();
  };

  const launch = (item: Parameters<typeof startExecution>[0]) => {
    const handler = o.registry.get(item.taskType)!;
    const ticket = slots.acquire();
    tickets.set(item.queueItemId, ticket);
    const execution = startExecution(item, handler, {
      startGate: ticket.ready,
      db: o.db,
      leaseSeconds: o.leaseSeconds,
      abortGraceMs: o.abortGraceMs ?? 2000,
      completions,
      log,
      onCommitted,
      ...(o.backoff ? { backoff: o.backoff } : {}),
    });
    inflight.set(item.queueItemId, execution);
    publish(runEventsSubject(item.runId));
    void execution.done.finally(() => {
      ticket.release();
      tickets.delete(item.queueItemId);
      inflight.delete(item.queueItemId);
      // A slot is free: there may be more work waiting.
      requestClaim();
    });
  };

  /**
   * Claims whatever room there is, at once (a wakeup on an idle worker goes straight to the
   * database, no timer in between). A request while a claim is in flight is remembered and
   * served when it returns; topping up behind waiting items happens in batches of `minTopUp`.
   */
  function requestClaim(): void {
    if (stopping) return;
    if (gated) {
      wokenWhileGated = true;
      return;
    }
    if (claimInFlight) {
      claimWanted = true;
      return;
    }
    const room = capacity - inflight.size;
    // No room: every finishing execution asks again.
    if (room < 1 || (slots.waiting > 0 && room < minTopUp)) return;
    void claimBatch(room);
  }

  async function claimBatch(limit: number): Promise<void> {
    claimInFlight = true;
    claimWanted = false;
    let full = false;
    try {
      const items = await claim(o.db, { workerId, taskTypes, limit, leaseSeconds: o.leaseSeconds });
      if (claimFailures > 0) {
        // The database is back: poll at the normal pace again instead of sitting out the backoff
        // (a lease that expired during the outage is only reclaimed by a claim).
        claimFailures = 0;
        schedulePoll();
      }
      full = items.length >= limit;
      for (const item of items) launch(item);
    } catch (e) {
      claimFailures++;
      log.warn('claim failed; backing off', { error: errorMessage(e), failures: claimFailures });
      schedulePoll();
      return;
    } finally {
      claimInFlight = false;
    }
    // A full batch means more may be waiting; a request during the claim may be for a newer item.
    if (full || claimWanted) requestClaim();
  }

  function schedulePoll(): void {
    if (stopping) return;
    if (pollTimer) clearTimeout(pollTimer);
    const base = claimFailures > 0 ? Math.min(MAX_CLAIM_BACKOFF_MS, o.pollIntervalMs * 2 ** Math.min(claimFailures, 6)) : o.pollIntervalMs;
    pollTimer = setTimeout(() => {
      pollTimer = undefined;
      requestClaim();
      schedulePoll();
    }, base * (0.75 + Math.random() * 0.5));
  }

  const safeSubscribe = (subject: string, handler: (subject: string, payload: unknown) => void): (() => void) => {
    try {
      return o.bus.subscribe(subject, (s, payload) => handler(s, payload));
    } catch (e) {
      log.warn('bus subscribe failed; relying on polling', { subject, error: errorMessage(e) });
      return () => {};
    }
  };

  const wakeSubs = taskTypes.map((t) =>
    safeSubscribe(taskWakeupSubject(t), (subject, payload) => {
      if (tracingEnabled()) markSpan('syntra.wakeup', { 'messaging.destination.name': subject, 'syntra.worker.id': workerId }, traceparentOf(payload), 'consumer');
      requestClaim();
    }),
  );
  const cancelSub = safeSubscribe(RUN_CANCEL_ALL, (subject) => {
    const runId = runIdOf(subject);
    for (const ex of inflight.values()) if (ex.item.runId === runId) ex.abort('cancelled');
  });

  if (taskTypes.length > 0) {
    const startClaiming = (atOnce: boolean) => {
      gated = false;
      if (atOnce) requestClaim();
      schedulePoll();
    };
    const afterGate = () => startClaiming(wokenWhileGated);
    if (o.claimAfter) void o.claimAfter.then(afterGate, afterGate);
    else startClaiming(true);
  }

  const base = { workerId, transport: 'database' as const, taskTypes, host: hostname() };
  const announcement = () => ({ ...base, ...(o.controlVersion ? { controlVersion: o.controlVersion() } : {}) });
  let heartbeat: Promise<void> | undefined;
  const registered = announceWorker(o.db, announcement(), { started: true });
  registered.catch((e: unknown) => log.warn('worker registration failed; the heartbeat retries', { error: errorMessage(e) }));
  // One announcement at a time; one asked for while another is in flight follows it, so the last word is current.
  let again = false;
  const announce = (): Promise<void> => {
    // Once stopping, nothing may announce after the stop is recorded (it would mark the worker live again).
    if (stopping) return heartbeat ?? Promise.resolve();
    if (heartbeat) {
      again = true;
      return heartbeat;
    }
    heartbeat = announceWorker(o.db, announcement())
      .catch((e: unknown) => log.warn('worker heartbeat failed', { error: errorMessage(e) }))
      .finally(() => {
        heartbeat = undefined;
        if (again) {
          again = false;
          void announce();
        }
      });
    return heartbeat;
  };
  const heartbeatTimer = setInterval(() => void announce(), o.heartbeatMs ?? 15_000);
  heartbeatTimer.unref();

  let stopped: Promise<void> | undefined;
  return {
    workerId,
    registered,
    get running() {
      return slots.busy;
    },
    announce: () => registered.catch(() => {}).then(announce),
    stop() {
      return (stopped ??= (async () => {
        stopping = true;
        if (pollTimer) clearTimeout(pollTimer);
        for (const off of wakeSubs) off();
        // Claimed ahead but not started: hand them back at once rather than run them now.
        for (const [id, ticket] of tickets) if (!ticket.granted) inflight.get(id)?.abort('shutdown');
        const all = () => Promise.all([...inflight.values()].map((ex) => ex.done));
        let graceTimer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'grace'>((r) => (graceTimer = setTimeout(() => r('grace'), o.shutdownGraceMs)));
        const finished = await Promise.race([all().then(() => 'done' as const), graceOver]);
        clearTimeout(graceTimer);
        if (finished === 'grace') {
          for (const ex of inflight.values()) ex.abort('shutdown');
          await all();
        }
        // A claim that was in flight when stop began may still launch items; settle those too.
        while (claimInFlight) await new Promise((r) => setTimeout(r, 10));
        for (const ex of inflight.values()) ex.abort('shutdown');
        await all();
        cancelSub();
        clearInterval(heartbeatTimer);
        await heartbeat;
        await registered.catch(() => {});
        await markWorkerStopped(o.db, base).catch((e: unknown) => log.warn('could not mark the worker stopped', { error: errorMessage(e) }));
      })());
    },
  };
}
