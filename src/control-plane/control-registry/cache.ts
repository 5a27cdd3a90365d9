import type { Bus } from '../../bus/bus.js';
import type { Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';
import { getSnapshot } from './reads.js';
import { deepFreeze, type ControlSnapshot } from './state.js';
import { CONTROL_CHANGED_SUBJECT, currentVersion } from './store.js';

/**
 * A worker's live copy of the control snapshot. It reloads when a change is announced on the
 * bus, and — because the bus is best effort — also re-checks the latest version on a timer, so
 * a lost message delays a reload by at most one poll interval but never loses it. Reads are a
 * synchronous getter; the snapshot is deep-frozen because concurrent runs share it.
 */


/** The part of the bus the cache needs; the message body is not needed (it re-reads the database). */
export type ControlBus = Pick<Bus, 'subscribe'>;

export interface ControlSnapshotCacheOptions {
  /** Backstop re-check of the latest version, in ms (default 5000). */
  pollIntervalMs?: number;
  subject?: string;
  /** Reload and listener failures; the cache keeps serving its last snapshot. */
  onError?: (error: unknown) => void;
}

export type ControlChangeListener = (snapshot: ControlSnapshot, previous: ControlSnapshot) => void;

export class ControlSnapshotCache {
  private readonly pollIntervalMs: number;
  private readonly subject: string;
  private readonly onError: (error: unknown) => void;
  private db: Queryable | undefined;
  private snapshot: ControlSnapshot | undefined;
  private readonly listeners = new Set<ControlChangeListener>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private stopped = false;

  constructor(options: ControlSnapshotCacheOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.subject = options.subject ?? CONTROL_CHANGED_SUBJECT;
    this.onError = options.onError ?? (() => {});
    if (!Number.isInteger(this.pollIntervalMs) || this.pollIntervalMs < 1) {
      throw new SyntraError('config_invalid', 'pollIntervalMs must be a positive integer');
    }
  }

  /** Loads the latest snapshot, then follows changes. Without a bus it relies on the poll alone. */
  async start(deps: { db: Queryable; bus?: ControlBus | undefined }): Promise<ControlSnapshot> {
    if (this.db) throw new SyntraError('conflict', 'control snapshot cache already started');
    this.db = deps.db;
    this.stopped = false;
    this.snapshot = deepFreeze(await getSnapshot(deps.db));
    if (deps.bus) {
      try {
        this.unsubscribe = deps.bus.subscribe(this.subject, () => this.refreshQuietly());
      } catch (e) {
        // A bus that is down at start: the poll still picks up every change.
        this.onError(e);
      }
    }
    this.timer = setInterval(() => this.refreshQuietly(), this.pollIntervalMs);
    this.timer.unref();
    return this.snapshot;
  }

  /** The snapshot in force now. */
  current(): ControlSnapshot {
    if (!this.snapshot) throw new SyntraError('not_ready', 'control snapshot cache not started');
    return this.snapshot;
  }

  /** Called after each reload that moved to a newer version. Returns an unsubscribe function. */
  onChange(listener: ControlChangeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Reloads if the database has a newer version. Calls that arrive while a reload runs share one
   * follow-up reload, so a burst of messages costs at most two rounds of queries.
   */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.running ?? Promise.resolve();
    const next: Promise<void> = previous
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        this.running = next;
        return this.reloadIfNewer();
      })
      .finally(() => {
        if (this.running === next) this.running = undefined;
      });
    this.queued = next;
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const off = this.unsubscribe;
    this.unsubscribe = undefined;
    if (off) {
      try {
        off();
      } catch (e) {
        this.onError(e);
      }
    }
    await (this.queued ?? this.running)?.catch(() => {});
    this.db = undefined;
  }

  private refreshQuietly(): void {
    this.refresh().catch((e: unknown) => this.onError(e));
  }

  private async reloadIfNewer(): Promise<void> {
    const db = this.db;
    const before = this.snapshot;
    if (!db || !before || this.stopped) return;
    const latest = await currentVersion(db);
    // Versions only grow (a rollback is a new version too), so older or equal means nothing to do.
    if (latest <= before.version) return;
    const loaded = deepFreeze(await getSnapshot(db, { version: latest }));
    if (this.stopped || (this.snapshot && this.snapshot.version >= loaded.version)) return;
    this.snapshot = loaded;
    for (const listener of this.listeners) {
      try {
        listener(loaded, before);
      } catch (e) {
        this.onError(e);
      }
    }
  }
}
