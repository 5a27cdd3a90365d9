import pg from 'pg';

/**
 * Fresh, throw-away databases on one PostgreSQL server, so every system under test starts from
 * an empty database on the same server in the same run. The admin connection goes to the
 * database named in the base URL (default `postgres`).
 */
export const DEFAULT_SERVER_URL = 'postgres://root@127.0.0.1:5432/';

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function adminUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/postgres';
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(serverUrl), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing odd database name ${name}`);
  return `"${name}"`;
};

/** Drops (forcibly) and recreates the database; returns its URL. */
export async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  await withAdmin(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  return databaseUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** "PostgreSQL 15.20" of the server, for the report. */
export async function serverVersion(serverUrl: string): Promise<string> {
  return withAdmin(serverUrl, async (c) => {
    const res = await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${res.rows[0]!.v}`;
  });
}
