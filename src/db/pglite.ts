import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Database, QueryResult } from './database.js';
import { ensurePrivateDir, makeOwnerOnly, restrictNewFiles } from './private-files.js';

let compiled: Promise<WebAssembly.Module> | undefined;
/** Node's WebAssembly global: the compiler options (lib ES2023, types node 20) declare its types but not the value. */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;

/**
 * Postgres's WebAssembly (9 MB), compiled once per process. Called early by whoever is about to
 * open a database (the database thread, pglite-worker.ts, before it copies the snapshot), so the compile runs on V8's
 * background threads meanwhile instead of inside PGlite.create.
 */
export function pgliteWasm(): Promise<WebAssembly.Module> {
  return (compiled ??= (async () => {
    const file = path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.wasm');
    return wasm.compile(await readFile(file));
  })());
}

/**
 * Postgres asks for its shared memory at start and the WebAssembly build zeroes all of it in its
 * (not yet optimised) memset: with the default 128 MB of shared buffers that was ~0.4–0.6 s of
 * CPU on every open (`node --cpu-prof` of `syntra up`: one wasm function, memset under mmap, the
 * largest single cost of PGlite's start). One connection and a database that mostly fits in the
 * OS page cache need far less; pages beyond it are read through the file system, not lost.
 * A large incident memory may want more: SYNTRA_PGLITE_SHARED_BUFFERS_MB.
 */
const DEFAULT_SHARED_BUFFERS_MB = 32;

/**
 * PGlite: one connection for the whole process. PGlite serialises queries and transactions
 * internally, so callers use it exactly like the pool.
 * `dataDir` undefined → in memory; `loadDataDir` clones a dumped template (tests).
 * On disk, the data directory and everything in it is owner-only (private-files.ts).
 */
export async function openPglite(
  options: { dataDir?: string; loadDataDir?: Blob | File; sharedBuffersMb?: number | undefined; throwaway?: boolean | undefined } = {},
): Promise<Database & { pglite: PGlite }> {
  const dataDir = options.dataDir;
  if (dataDir) {
    ensurePrivateDir(dataDir);
    restrictNewFiles();
  }
  const db = await PGlite.create({
    pgliteWasmModule: await pgliteWasm(),
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB}MB`,
      // A database deleted at exit needs no durability. Its fsyncs made the file system allocate
      // blocks that the deletion then frees one by one: on a disk mounted with `discard`, 1.3–1.9 s
      // of `syntra demo`'s exit went to removing the 41 MB it had synced.
      ...(options.throwaway ? ['-c', 'fsync=off'] : []),
    ],
    parsers: { 20: (v: string) => Number(v) },
    // pgvector, for the incident memory's nearest-neighbour search (created only when used: src/incidents/memory/vector-storage.ts).
    extensions: { vector },
  });

  const wrap = <R>(res: { rows: unknown[]; affectedRows?: number }): QueryResult<R> => ({
    rows: res.rows as R[],
    // PGlite reports affectedRows 0 for SELECT; rows tell the truth there.
    rowCount: res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0),
  });

  // PGlite extracts a new database with mode 0666 files: make them private before anything is written.
  if (dataDir) makeOwnerOnly(dataDir);

  let closing: Promise<void> | undefined;
  return {
    dialect: 'pglite',
    pglite: db,
    query: async (text, params) => wrap(await db.query(text, params as unknown[] | undefined)),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async (text, params) => wrap(await tx.query(text, params as unknown[] | undefined)),
          exec: async (sql) => void (await tx.exec(sql)),
        }),
      ),
    async exec(sql) {
      await db.exec(sql);
    },
    // Idempotent, like the pool: shutdown paths may close twice.
    close: () =>
      (closing ??= (async () => {
        await db.close();
        if (dataDir) makeOwnerOnly(dataDir);
      })()),
  };
}
