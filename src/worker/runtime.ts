import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Bus } from '../bus/bus.js';
import { RUN_CANCEL_ALL, runEventsSubject, runIdOf, taskWakeupSubject } from '../bus/subjects.js';
import type { Database } from '../db/database.js';
import { errorMessage } from '../domain/errors.js';
import { claim, type FailArgs } from '../control-plane/queue.js';
import { createCompletionBatcher } from './completion-batcher.js';
import { startExecution, type Execution } from './execution.js';
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
}

export interface RunningWorker {
  readonly workerId: string;
  /** Handlers running right now. */
  readonly running: number;
  stop(): Promise<void>;
}

const MAX_CLAIM_BACKOFF_MS = 30_000;

export function startWorker(o: WorkerOptions): RunningWorker {
  const log = o.log ?? silentLog;
  const workerId = o.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const taskTypes = o.registry.types();
  const inflight = new Map<string, Execution>();
  let stopping = false;
  let claiming = false;
  let claimWanted = false;
  let claimFailures = 0;
  let pollTimer: NodeJS.Timeout | undefined;
  const completions = createCompletionBatcher(o.db);

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
    const execution = startExecution(item, handler, {
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
      inflight.delete(item.queueItemId);
      // A slot is free: there may be more work waiting.
      requestClaim();
    });
  };

  async function claimLoop(): Promise<void> {
    if (claiming) {
      claimWanted = true;
      return;
    }
    claiming = true;
    try {
      do {
        claimWanted = false;
        while (!stopping && inflight.size < o.concurrency) {
          const limit = o.concurrency - inflight.size;
          const items = await claim(o.db, { workerId, taskTypes, limit, leaseSeconds: o.leaseSeconds });
          claimFailures = 0;
          for (const item of items) launch(item);
          if (items.length < limit) break;
        }
      } while (claimWanted && !stopping && inflight.size < o.concurrency);
    } catch (e) {
      claimFailures++;
      log.warn('claim failed; backing off', { error: errorMessage(e), failures: claimFailures });
      schedulePoll();
    } finally {
      claiming = false;
    }
  }

  function requestClaim(): void {
    if (stopping) return;
    void claimLoop();
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

  const safeSubscribe = (subject: string, handler: (subject: string) => void): (() => void) => {
    try {
      return o.bus.subscribe(subject, (s) => handler(s));
    } catch (e) {
      log.warn('bus subscribe failed; relying on polling', { subject, error: errorMessage(e) });
      return () => {};
    }
  };

  const wakeSubs = taskTypes.map((t) => safeSubscribe(taskWakeupSubject(t), () => requestClaim()));
  const cancelSub = safeSubscribe(RUN_CANCEL_ALL, (subject) => {
    const runId = runIdOf(subject);
    for (const ex of inflight.values()) if (ex.item.runId === runId) ex.abort('cancelled');
  });

  if (taskTypes.length > 0) {
    requestClaim();
    schedulePoll();
  }

  let stopped: Promise<void> | undefined;
  return {
    workerId,
    get running() {
      return inflight.size;
    },
    stop() {
      return (stopped ??= (async () => {
        stopping = true;
        if (pollTimer) clearTimeout(pollTimer);
        for (const off of wakeSubs) off();
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
        while (claiming) await new Promise((r) => setTimeout(r, 10));
        for (const ex of inflight.values()) ex.abort('shutdown');
        await all();
        cancelSub();
      })());
    },
  };
}
