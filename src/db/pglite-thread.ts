import type { Database, Queryable, QueryResult } from './database.js';
import { errorFromThread, type OpenOptions, type ThreadReply, type ThreadRequest } from './pglite-thread-protocol.js';
import { restrictNewFiles } from './private-files.js';
import { startModuleThread } from '../runtime/module-thread.js';

/** A request without its id (call() gives every request one). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<ThreadRequest>;

/**
 * Embedded PGlite on a thread of its own. Postgres's start inside PGlite is about a second of
 * single-threaded WebAssembly (docs/benchmarks.md, "startup"); on the main thread it ran one after
 * the other with loading the rest of the code and building the API. On its own thread the two
 * overlap on a second core, and `syntra up` / `syntra demo` are ready that much sooner.
 * Every statement crosses the thread boundary as a message each way, its rows copied by structured
 * clone: not free (whether `syntra demo`, with its many statements, uses more CPU overall is not
 * settled: docs/benchmarks.md, "startup"). Results and errors arrive as they would on one thread
 * (pglite-thread-protocol.ts says how errors keep their fields).
 * Same contract as openPglite: one connection, queries serialised by PGlite, a statement outside
 * an open transaction waits for it.
 *
 * Opens `options.dataDir` (a new directory from the build's snapshot) on the thread and migrates
 * it: the database, or why it could not be opened.
 */
export async function openPgliteThread(options: OpenOptions): Promise<Database> {
  // The umask is the process's, and only the main thread may set it.
  restrictNewFiles();
  // The thread's module: dist/db/pglite-worker.js built, src/db/pglite-worker.ts from the sources.
  const worker = startModuleThread(new URL('./pglite-worker.js', import.meta.url));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let gone: Error | undefined;

  // An idle thread does not keep the process alive (PGlite on the main thread held no handle either); one with work does.
  const refWhileBusy = () => (pending.size ? worker.ref() : worker.unref());
  worker.on('message', (reply: ThreadReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    refWhileBusy();
    if (reply.ok) p.resolve(reply.result);
    else p.reject(errorFromThread(reply.error));
  });
  const fail = (e: Error) => {
    gone ??= e;
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
    refWhileBusy();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the embedded database's thread exited (code ${code})`)));

  const call = <T>(request: Request): Promise<T> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      // First, so a parameter structured clone cannot copy rejects this call and leaves nothing pending (no reply can arrive before this returns).
      worker.postMessage({ ...request, id });
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      refWhileBusy();
    });
  };

  const queryable = (tx?: number): Queryable => ({
    query: <R>(text: string, params?: readonly unknown[]) => call<QueryResult<R>>({ op: 'query', text, ...(params ? { params } : {}), ...(tx === undefined ? {} : { tx }) }),
    exec: (sql: string) => call<void>({ op: 'exec', sql, ...(tx === undefined ? {} : { tx }) }),
  });

  let closing: Promise<void> | undefined;
  const database: Database = {
    dialect: 'pglite',
    ...queryable(),
    // As PGlite's own transaction(): commit when fn resolves; when it throws, roll back and throw (the rollback's error if that failed too).
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = await call<number>({ op: 'begin' });
      let result: T;
      try {
        result = await fn(queryable(tx));
      } catch (e) {
        await call({ op: 'end', tx, commit: false });
        throw e;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    close: () =>
      (closing ??= (async () => {
        if (!gone) await call({ op: 'close' });
        await worker.terminate();
      })()),
  };
  try {
    await call({ op: 'open', options });
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return database;
}
