import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { testBackend, useTestDatabase } from '../helpers/db.js';

/**
 * A server that drops a connection the pool has lent out (a restart, pg_terminate_backend) must
 * fail that one transaction, not the process: found by `npm run chaos`, where a PostgreSQL stop
 * under load killed `syntra server` with an unhandled 'error' event.
 */
describe.skipIf(testBackend() !== 'postgres')('PostgreSQL connection loss', () => {
  const t = useTestDatabase();

  const terminate = async (pid: number) => {
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  };

  it('a connection terminated between the statements of a transaction fails that transaction only', async () => {
    const failed = await t.db
      .transaction(async (tx) => {
        const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        await terminate(pid);
        // The server's goodbye arrives while no statement runs: the client emits 'error' now.
        await new Promise((r) => setTimeout(r, 300));
        await tx.query('SELECT 1');
      })
      .catch((e: unknown) => e);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    // The broken connection was not given back to the pool: the next queries work.
    for (let i = 0; i < 12; i++) expect((await t.db.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]!.ok).toBe(1);
  });
});
