import type { SyntraConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { Bus } from '../bus/bus.js';
import type { KnownKinds } from './known-kinds.js';
import type { RunEventHub } from './run-event-hub.js';

/** How often long-lived requests look at the database when the bus stays quiet. */
export interface ApiTiming {
  /** SSE and subscriptions: the run event hub's database sweep, the backstop after a missed bus notification. */
  readonly eventsPollMs: number;
  /** SSE: comment lines that keep proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /** Long-poll claim: database poll backstop between wakeups. */
  readonly claimPollMs: number;
  /** How long POST /api/ask waits for the run before answering 202 with its id. */
  readonly askWaitMs: number;
}

export const DEFAULT_TIMING: ApiTiming = { eventsPollMs: 500, heartbeatMs: 15_000, claimPollMs: 1_000, askWaitMs: 30_000 };

/** What every route plugin receives: the process's resources and a signal that fires on close. */
export interface ApiContext {
  readonly config: SyntraConfig;
  readonly db: Database;
  readonly bus: Bus;
  readonly timing: ApiTiming;
  /** Aborts when the app starts closing, so streams and long polls end instead of holding shutdown. */
  readonly closing: AbortSignal;
  /** The task types workers have registered; a submit of any other kind is refused. */
  readonly kinds: KnownKinds;
  /** The process's one fan-out of run ledgers to live followers (SSE, GraphQL subscriptions). */
  readonly runEvents: RunEventHub;
}
