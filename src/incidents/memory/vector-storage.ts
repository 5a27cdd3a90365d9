import type { Database, Queryable } from '../../db/database.js';
import { TFIDF_DIMENSIONS } from './tfidf-embedder.js';

/**
 * Where the nearest-neighbour search runs, chosen once per database at start and reported in
 * /readyz:
 * - `pgvector`: the extension exists (PGlite through @electric-sql/pglite-pgvector, managed
 *   PostgreSQL): a generated `embedding_vec vector` column mirrors `embedding real[]`, and an HNSW
 *   index (cosine) per vector size in use, partial on that size, finds the nearest incidents;
 * - `real[]`: no extension (the CI PostgreSQL): the candidates are bounded in SQL (namespace, same
 *   root-cause type or a shared word, most recent first) and their cosine computed in SQL
 *   (`syntra_cosine`), no vector crossing the wire.
 * Writers only ever write `embedding real[]`, so both paths hold the same vectors.
 */
export type VectorStorageKind = 'pgvector' | 'real[]';

export interface VectorStorage {
  kind: VectorStorageKind;
  /** Vector sizes with an HNSW index (pgvector only). */
  indexedDims: number[];
  /** e.g. "pgvector 0.8.7, HNSW (cosine) on 512 dims" — for /readyz. */
  description: string;
}

/**
 * For one nearest-neighbour lookup: enough for NEAREST_K candidates after a filter (namespaces,
 * type, tag), the scan going on until it has them (relaxed order is fine: candidates are
 * re-scored); and no sequential scan. The planner prices an HNSW scan high and a filtered row
 * count low, so with a namespace filter it would read every row of the namespace and sort them
 * by distance (the 145–301 ms p99 at 100k); pgvector's README advises exactly this SET LOCAL.
 */
export const NEAREST_SETTINGS = ['SET LOCAL hnsw.ef_search = 200', 'SET LOCAL hnsw.iterative_scan = relaxed_order', 'SET LOCAL enable_seqscan = off'];

const PREPARE_LOCK = 7042031013;
const chosen = new WeakMap<Queryable, Promise<VectorStorage>>();

const INDEX_PREFIX = 'incidents_embedding_hnsw_';

/** What a start needs to know, read in one statement (four used to be ~0.1 s of a first `syntra up`, each planned on its own). */
interface Found {
  /** pgvector's version when the extension is installed. */
  version: string | null;
  /** The generated `embedding_vec` column exists. */
  column: boolean;
  /** Vector sizes with an index. */
  indexed: number[];
  /** Vector sizes stored. */
  stored: number[];
}

async function look(db: Queryable): Promise<Found> {
  const { rows } = await db.query<{ version: string | null; has_column: boolean; indexes: string[]; stored: number[] }>(
    `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS version,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'incidents'::regclass AND attname = 'embedding_vec' AND NOT attisdropped) AS has_column,
            ARRAY(SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                   WHERE i.indrelid = 'incidents'::regclass AND c.relname LIKE '${INDEX_PREFIX}%') AS indexes,
            ARRAY(SELECT DISTINCT embedding_dims FROM incidents WHERE embedding_dims IS NOT NULL) AS stored`,
  );
  const row = rows[0]!;
  return {
    version: row.version,
    column: row.has_column,
    indexed: row.indexes.map((name) => Number(name.slice(INDEX_PREFIX.length))).sort((a, b) => a - b),
    stored: row.stored.map(Number),
  };
}

/** Installs pgvector where it is available but not installed; its version, or null. */
async function installPgvector(db: Queryable): Promise<string | null> {
  const available = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (!available.rows.length) return null;
  try {
    await db.query(`CREATE EXTENSION IF NOT EXISTS vector`);
  } catch {
    // Not ours to create (no privilege), or another process created it at the same moment: look again.
  }
  return (await look(db)).version;
}

/** The sizes to index: the offline embedder's always, the configured ones, and every size already stored. */
function wantedDims(stored: readonly number[], dims: readonly number[]): number[] {
  // HNSW indexes vectors of at most 2,000 dimensions.
  return [...new Set([TFIDF_DIMENSIONS, ...dims, ...stored])].filter((d) => Number.isInteger(d) && d >= 1 && d <= 2000);
}

async function prepare(db: Queryable, dims: readonly number[], prefer: VectorStorageKind | undefined): Promise<VectorStorage> {
  const found = prefer === 'real[]' ? undefined : await look(db);
  const version = found && (found.version ?? (await installPgvector(db)));
  if (!found || !version) {
    return { kind: 'real[]', indexedDims: [], description: 'real[] (no pgvector): candidates bounded in SQL, cosine computed in SQL' };
  }
  let indexed = found.indexed;
  // A prepared database (every start after the first, and a new one from the build's snapshot,
  // prepared at build time) takes no lock and runs no DDL (~0.2–0.3 s of a first `syntra up`).
  if (!found.column || !wantedDims(found.stored, dims).every((d) => indexed.includes(d))) {
    const ddl = async (tx: Queryable) => {
      await tx.query(`ALTER TABLE incidents ADD COLUMN IF NOT EXISTS embedding_vec vector GENERATED ALWAYS AS (embedding::vector) STORED`);
      for (const d of wantedDims((await look(tx)).stored, dims)) {
        await tx.query(
          `CREATE INDEX IF NOT EXISTS ${INDEX_PREFIX}${d} ON incidents
             USING hnsw ((embedding_vec::vector(${d})) vector_cosine_ops) WHERE embedding_dims = ${d}`,
        );
      }
    };
    // API and worker replicas start together: one prepares, the others wait for it (IF NOT EXISTS alone races).
    const database = db as Partial<Database>;
    if (database.transaction) {
      await database.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${PREPARE_LOCK})`);
        await ddl(tx);
      });
    } else await ddl(db);
    indexed = (await look(db)).indexed;
  }
  return { kind: 'pgvector', indexedDims: indexed, description: `pgvector ${version}, HNSW (cosine) on ${indexed.join(', ') || 'no'} dims` };
}

/**
 * Chooses (once per database object) and prepares the vector storage; `dims` are vector sizes to
 * index besides the offline embedder's and those already stored. `prefer: 'real[]'` skips pgvector even where it exists.
 */
export function vectorStorage(db: Queryable, options: { dims?: readonly number[]; prefer?: VectorStorageKind } = {}): Promise<VectorStorage> {
  let p = chosen.get(db);
  if (!p) {
    p = prepare(db, options.dims ?? [], options.prefer);
    chosen.set(db, p);
    p.catch(() => chosen.delete(db));
  }
  return p;
}

/**
 * Runs a lookup ordered by `<=>` with NEAREST_SETTINGS, in a transaction of its own so they hold
 * for it alone (on a pool, and on PGlite's one session alike).
 */
export async function withNearestSettings<T>(db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const run = async (tx: Queryable) => {
    for (const s of NEAREST_SETTINGS) await tx.query(s);
    return fn(tx);
  };
  const database = db as Partial<Database>;
  // Already inside a transaction (a Queryable without its own): SET LOCAL holds until that one ends.
  return database.transaction ? database.transaction(run) : run(db);
}

/** A vector as a SQL literal both paths accept (`$n::real[]`, `$n::vector`). */
export const vectorParam = (v: ArrayLike<number>): string => `[${Array.from(v, (x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;
export const realArrayParam = (v: ArrayLike<number>): string => `{${Array.from(v, (x) => (Number.isFinite(x) ? x : 0)).join(',')}}`;
