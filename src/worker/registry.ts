import { SyntraError } from '../domain/errors.js';
import type { ClaimedItem, FollowUp, TaskEvent } from '../control-plane/types.js';
import { TASK_TYPE_PATTERN } from '../bus/subjects.js';
import { echoHandler } from './handlers/echo.js';
import { sleepHandler } from './handlers/sleep.js';

/** What a handler sees: its item, an AbortSignal, and a way to append ledger events while it runs. */
export interface TaskContext {
  item: ClaimedItem;
  input: unknown;
  /** Fires on run cancellation, lease loss, the task's timeout and worker shutdown; `signal.reason` says which. */
  signal: AbortSignal;
  /** Commits a ledger event of this run now (fenced by the lease), e.g. progress. */
  appendEvent(type: string, data?: unknown): Promise<void>;
  log: WorkerLog;
}

/** Everything here is committed in the same transaction as the task's completion. */
export interface HandlerResult {
  output?: unknown;
  events?: TaskEvent[];
  followUps?: FollowUp[];
  runOutput?: unknown;
  finishRun?: boolean;
}

export type TaskHandler = (ctx: TaskContext) => Promise<HandlerResult | void>;

export interface WorkerLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: WorkerLog = { info() {}, warn() {}, error() {} };

export class TaskHandlerRegistry {
  readonly #handlers = new Map<string, TaskHandler>();

  register(taskType: string, handler: TaskHandler): this {
    if (!TASK_TYPE_PATTERN.test(taskType)) throw new SyntraError('validation_failed', `invalid task type "${taskType}"`);
    if (this.#handlers.has(taskType)) throw new SyntraError('conflict', `a handler for "${taskType}" is already registered`);
    this.#handlers.set(taskType, handler);
    return this;
  }

  get(taskType: string): TaskHandler | undefined {
    return this.#handlers.get(taskType);
  }

  types(): string[] {
    return [...this.#handlers.keys()];
  }
}

/** A registry with the built-in task types `echo` and `sleep`. */
export function createRegistry(): TaskHandlerRegistry {
  return new TaskHandlerRegistry().register('echo', echoHandler).register('sleep', sleepHandler);
}
