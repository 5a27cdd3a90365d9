/**
 * The small interface every module talks to. Two implementations: a `pg` pool against a
 * PostgreSQL server, and PGlite (PostgreSQL in WASM, a single connection) for embedded mode.
 * Rule for callers: never hold a transaction open across I/O (model calls, Kubernetes calls);
 * with PGlite it blocks every other query in the process.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly dialect: 'postgres' | 'pglite';
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Idempotent: a second call waits for the first. */
  close(): Promise<void>;
}
