import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openPglite } from '../src/db/pglite.js';

/**
 * The memory benchmark's loaded datasets, kept between runs (`--keep-data DIR`) so latency can be
 * measured again in a quiet minute (`--reuse`) without the load (14 minutes at 100k on PGlite).
 * PGlite's is a dump of its data directory (reopened in memory, as it was measured); the
 * server's stays as a database `syntra_bench_memory_<size>`. A JSON file per dataset says it is
 * complete and how long its load took; a dataset without one is loaded again.
 */
type Pglite = Awaited<ReturnType<typeof openPglite>>;

export interface KeptData {
  pglite(size: number): Promise<{ db: Pglite; loadSeconds: number } | null>;
  keepPglite(size: number, db: Pglite, loadSeconds: number): Promise<void>;
  postgres(size: number): Promise<{ loadSeconds: number } | null>;
  keepPostgres(size: number, loadSeconds: number): void;
}

export function keptData(dir: string, reuse: boolean): KeptData {
  mkdirSync(dir, { recursive: true });
  const marker = (name: string) => path.join(dir, `${name}.json`);
  const read = (name: string): { loadSeconds: number } | null =>
    reuse && existsSync(marker(name)) ? (JSON.parse(readFileSync(marker(name), 'utf8')) as { loadSeconds: number }) : null;
  const mark = (name: string, loadSeconds: number) => writeFileSync(marker(name), JSON.stringify({ loadSeconds, keptAt: new Date().toISOString() }));
  return {
    async pglite(size) {
      const kept = read(`pglite-${size}`);
      if (!kept) return null;
      const dump = new Blob([readFileSync(path.join(dir, `pglite-${size}.tar`))]);
      return { db: await openPglite({ loadDataDir: dump }), loadSeconds: kept.loadSeconds };
    },
    async keepPglite(size, db, loadSeconds) {
      const dump = await db.pglite.dumpDataDir('none');
      writeFileSync(path.join(dir, `pglite-${size}.tar`), Buffer.from(await dump.arrayBuffer()));
      mark(`pglite-${size}`, loadSeconds);
    },
    postgres: async (size) => read(`postgres-${size}`),
    keepPostgres: (size, loadSeconds) => mark(`postgres-${size}`, loadSeconds),
  };
}
