/**
 * The messages between the main thread and the thread that runs PGlite (pglite-thread.ts,
 * pglite-worker.ts): requests carry an id, every request gets exactly one reply with that id.
 * `tx` names an open transaction (the id `begin` answered); without it a statement runs outside
 * any transaction, and PGlite queues it behind one that is open, as it does on one thread.
 */
export type ThreadRequest =
  | { id: number; op: 'query'; text: string; params?: readonly unknown[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' }
  /**
   * The first request: a new data directory from the snapshot, PGlite open on it, migrated;
   * answered once that is done, or with why it could not be.
   */
  | { id: number; op: 'open'; options: OpenOptions };

/** An error as it crosses the thread boundary: structured clone keeps only name, message and stack of an Error, so the database error's fields (code, severity, detail, …) travel beside it. */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string | undefined;
  fields: Record<string, unknown>;
}

export type ThreadReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: ThreadError };

/** The data directory the thread opens. */
export interface OpenOptions {
  dataDir: string;
  sharedBuffersMb?: number | undefined;
  /** A database deleted when the process ends (`syntra demo`): no fsync (pglite.ts). */
  throwaway?: boolean | undefined;
}

/** Own fields of an error whose values survive structured clone as they are (strings, numbers, booleans, and arrays of them). */
export function errorToThread(e: unknown): ThreadError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    const plain = (x: unknown) => x === null || ['string', 'number', 'boolean'].includes(typeof x);
    if (plain(v) || (Array.isArray(v) && v.every(plain))) fields[k] = v;
  }
  return { name: e.name, message: e.message, stack: e.stack, fields };
}

/** The error again, on the receiving thread: same name, message and fields; the stack is the thread's where it was thrown. */
export function errorFromThread(t: ThreadError): Error {
  const e = Object.assign(new Error(t.message), t.fields);
  Object.defineProperty(e, 'name', { value: t.name, configurable: true, writable: true, enumerable: false });
  if (t.stack) e.stack = t.stack;
  return e;
}
