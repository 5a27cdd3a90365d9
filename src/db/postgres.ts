import pg from 'pg';
import type { Database, Queryable, QueryResult } from './database.js';

// int8 (counts, sums) as JS numbers: our counters stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * A server that does not answer (a partition, not a refusal) must not hold requests forever: a
 * connection attempt — or a wait for a free pooled client — gives up after this long, which the
 * API answers as 503 unavailable. Keepalive finds connections whose peer vanished.
 */
const CONNECT_TIMEOUT_MS = 5_000;

export function connectPostgres(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});

  const run = async <R>(client: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const res = await client.query(text, params as unknown[] | undefined);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  };

  let closing: Promise<void> | undefined;
  return {
    dialect: 'postgres',
    query: (text, params) => run(pool, text, params),
    async transaction(fn) {
      const client = await pool.connect();
      // The pool listens for errors only on idle clients. A lent-out client whose connection the
      // server drops between two statements emits 'error' with nobody listening, which would
      // crash the process: listen while it is lent out, and never give it back broken.
      let lost: Error | undefined;
      const onError = (e: Error) => void (lost = e);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: (text, params) => run(client, text, params),
          exec: async (sql) => void (await client.query(sql)),
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        if (!lost) await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.off('error', onError);
        client.release(lost);
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    // Idempotent: pool.end() twice throws, and shutdown paths may close twice.
    close: () => (closing ??= pool.end()),
  };
}
