import { parentPort } from 'node:worker_threads';
import { startupStep } from '../runtime/startup-trace.js';
import type { Database, Queryable } from './database.js';
import { migrate } from './migrate.js';
import { openPglite, pgliteWasm } from './pglite.js';
import { errorToThread, type OpenOptions, type ThreadReply, type ThreadRequest } from './pglite-thread-protocol.js';
import { restoreSnapshot } from './snapshot.js';

/**
 * The thread that runs embedded PGlite (pglite-thread.ts starts it): opens the data directory it
 * is given (a new one from the build's snapshot) and migrates it, then answers each request of
 * the main thread with one reply. A transaction stays open inside PGlite's own transaction()
 * until the main thread's `end` says commit or roll back.
 */
const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread (started by pglite-thread.ts)');
// Compiling Postgres's WebAssembly while the snapshot is copied; awaited (and any failure reported) by openPglite.
pgliteWasm().catch(() => {});
let opened: Promise<Database> | undefined;

async function openAndMigrate(options: OpenOptions): Promise<Database> {
  // The snapshot's files are copied on libuv's threads, with this thread's event loop to hand
  // them out (the main one is busy loading code), while PGlite sets itself up (pglite.ts, filling).
  const restoring = restoreSnapshot(options.dataDir, undefined, { throwaway: options.throwaway }).then((restored) => {
    startupStep('snapshot restored (database thread)');
    return restored;
  });
  // Its failure is PGlite's initial sync's (below); an open that failed first (not on the copy) must not leave the copy going on behind it.
  const copied = restoring.catch(() => {});
  let db: Database;
  try {
    db = await openPglite({ ...options, filling: restoring });
  } finally {
    await copied;
  }
  startupStep('PGlite open (database thread)');
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  startupStep('migrated (database thread)');
  return db;
}

/** Thrown into PGlite's transaction() to make it roll back; never leaves this file. */
const ROLLBACK = Symbol('rollback');
const open = new Map<number, { tx: Queryable; end: (commit: boolean) => void; done: Promise<void> }>();
let nextTx = 0;

function begin(db: Database): Promise<number> {
  const id = nextTx++;
  let end: (commit: boolean) => void = () => {};
  const ended = new Promise<void>((resolve, reject) => (end = (commit) => (commit ? resolve() : reject(ROLLBACK))));
  ended.catch(() => {}); // awaited inside the transaction
  return new Promise<number>((resolveBegin, rejectBegin) => {
    let began = false;
    const done = db
      .transaction(async (tx) => {
        began = true;
        open.set(id, { tx, end, done });
        resolveBegin(id);
        await ended;
      })
      .catch((e: unknown) => {
        if (e !== ROLLBACK) throw e;
      })
      .finally(() => open.delete(id));
    // BEGIN itself failed: the main thread's begin fails with it (once begun, `end` reports the outcome).
    done.catch((e: unknown) => {
      if (!began) rejectBegin(e);
    });
  });
}

async function handle(r: ThreadRequest): Promise<unknown> {
  if (r.op === 'open') {
    opened ??= openAndMigrate(r.options);
    await opened;
    return undefined;
  }
  if (!opened) throw new Error('the embedded database is not open on its thread yet');
  const db = await opened;
  const on = (tx: number | undefined): Queryable => {
    if (tx === undefined) return db;
    const t = open.get(tx);
    if (!t) throw new Error(`transaction ${tx} is not open`);
    return t.tx;
  };
  switch (r.op) {
    case 'query':
      return on(r.tx).query(r.text, r.params);
    case 'exec':
      return on(r.tx).exec(r.sql);
    case 'begin':
      return begin(db);
    case 'end': {
      const t = open.get(r.tx);
      if (!t) throw new Error(`transaction ${r.tx} is not open`);
      t.end(r.commit);
      return t.done;
    }
    case 'close':
      return db.close();
  }
}

port.on('message', (r: ThreadRequest) => {
  void handle(r)
    .then(
      (result): ThreadReply => ({ id: r.id, ok: true, result }),
      (e: unknown): ThreadReply => ({ id: r.id, ok: false, error: errorToThread(e) }),
    )
    .then((reply) => {
      try {
        port.postMessage(reply);
      } catch (e) {
        // A value structured clone cannot copy: the request fails, the thread goes on.
        port.postMessage({ id: r.id, ok: false, error: errorToThread(e) } satisfies ThreadReply);
      }
    });
});
