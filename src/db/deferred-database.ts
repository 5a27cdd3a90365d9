import type { Database, Queryable, QueryResult } from './database.js';

/**
 * A database handle usable while the database is still opening: every statement waits for the
 * opening to finish, then runs on the opened database; if it failed, the statement fails with the
 * opening's own error. `syntra up` builds its API and starts its agents with one while the
 * embedded database's thread starts Postgres, so only what queries waits for the database
 * (docs/benchmarks.md, "startup"). The dialect is known before the opening ends: the
 * configuration says which database it is.
 */
export function deferredDatabase(opening: Promise<Database>, dialect: Database['dialect']): Database {
  // Whoever opens awaits `opening` for its error; a statement waiting on it gets the same one.
  opening.catch(() => {});
  return {
    dialect,
    async query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      return (await opening).query<R>(text, params);
    },
    async exec(sql: string): Promise<void> {
      return (await opening).exec(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return (await opening).transaction(fn);
    },
    // A database that never opened has nothing to close.
    async close(): Promise<void> {
      const db = await opening.catch(() => undefined);
      await db?.close();
    },
  };
}
