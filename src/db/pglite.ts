import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { vector } from '@electric-sql/pglite-pgvector';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import type { Database, QueryResult } from './database.js';
import { ensurePrivateDir, makeOwnerOnly, restrictNewFiles } from './private-files.js';

let compiled: Promise<WebAssembly.Module> | undefined;
/** Node's WebAssembly global: the compiler options (lib ES2023, types node 20) declare its types but not the value. */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;

/** V8's own budget of a WebAssembly function before it is optimised (`node --v8-options`, wasm-tiering-budget). */
const V8_TIERING_BUDGET = 1_800_000;
/**
 * The budget Postgres's WebAssembly is compiled with (a module keeps the one it was compiled
 * with). Postgres's start runs much of its code once (catalog and cache loading, zeroing shared
 * memory), and at V8's budget each function that crossed it was queued for TurboFan on V8's
 * background threads: `perf` of a first `syntra up` showed TurboFan as a third of its CPU, on a
 * 2-core machine where the start itself waited for a core. Ten times V8's: `syntra up` ~0.2 s
 * sooner with ~0.4 s less CPU; a hundred times saved a little more and made the embedded queue's
 * first seconds slower (hot statement code optimised later). docs/benchmarks.md "startup".
 */
const POSTGRES_TIERING_BUDGET = 10 * V8_TIERING_BUDGET;

async function compileWithBudget(bytes: Uint8Array, budget: number): Promise<WebAssembly.Module> {
  v8.setFlagsFromString(`--wasm-tiering-budget=${budget}`);
  try {
    return await wasm.compile(bytes);
  } finally {
    // V8 reads the flag while it compiles; what this process compiles next gets V8's own.
    v8.setFlagsFromString(`--wasm-tiering-budget=${V8_TIERING_BUDGET}`);
  }
}

/**
 * Postgres's WebAssembly (9 MB), compiled once per process. Called early by whoever is about to
 * open a database (the database thread, pglite-worker.ts, before it copies the snapshot), so the compile runs on V8's
 * background threads meanwhile instead of inside PGlite.create.
 */
export function pgliteWasm(): Promise<WebAssembly.Module> {
  return (compiled ??= (async () => {
    const file = path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.wasm');
    return compileWithBudget(await readFile(file), POSTGRES_TIERING_BUDGET);
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
 * The data directory, mounted as PGlite mounts any: PGlite reads nothing in it until it asks
 * for the initial sync, and that waits for `filling` (a snapshot being copied into the directory,
 * snapshot.ts). Until then it instantiates Postgres's WebAssembly and unpacks its own files
 * (~0.1–0.15 s), which used to wait for the copy to finish.
 */
function dataDirFilledBy(dataDir: string, filling: Promise<unknown>): NodeFS {
  return new (class extends NodeFS {
    override async initialSyncFs(): Promise<void> {
      await filling;
      await super.initialSyncFs();
    }
  })(dataDir);
}

/**
 * PGlite: one connection for the whole process. PGlite serialises queries and transactions
 * internally, so callers use it exactly like the pool.
 * `dataDir` undefined → in memory; `loadDataDir` clones a dumped template (tests); `filling`:
 * something still writing the data directory, awaited before Postgres reads it (above).
 * On disk, the data directory and everything in it is owner-only (private-files.ts).
 */
export async function openPglite(
  options: {
    dataDir?: string;
    filling?: Promise<unknown>;
    loadDataDir?: Blob | File;
    sharedBuffersMb?: number | undefined;
    throwaway?: boolean | undefined;
  } = {},
): Promise<Database & { pglite: PGlite }> {
  const dataDir = options.dataDir;
  if (dataDir) {
    ensurePrivateDir(dataDir);
    restrictNewFiles();
  }
  const db = await PGlite.create({
    pgliteWasmModule: await pgliteWasm(),
    ...(dataDir && options.filling ? { fs: dataDirFilledBy(dataDir, options.filling) } : dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB}MB`,
      // Shared memory is sized for this many sessions (lock table, per-session state): ~9 MB more
      // to zero at 100 (the snapshot's initdb default) than at 4, the fewest Postgres accepts
      // with its 3 reserved for superusers. PGlite runs one.
      '-c',
      'max_connections=4',
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
