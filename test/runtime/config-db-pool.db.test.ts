import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import { createTestDatabase, testBackend } from '../helpers/db.js';

/** SYNTRA_DB_POOL_SIZE: the PostgreSQL connections one process opens at most (docs/operations.md). */
describe('SYNTRA_DB_POOL_SIZE', () => {
  it('defaults to 10 and refuses what is not a positive integer, naming the variable', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ SYNTRA_DB_POOL_SIZE: '3' }).databasePoolSize).toBe(3);
    expect(() => loadConfig({ SYNTRA_DB_POOL_SIZE: '0' })).toThrow(/SYNTRA_DB_POOL_SIZE/);
    expect(() => loadConfig({ SYNTRA_DB_POOL_SIZE: 'many' })).toThrow(/SYNTRA_DB_POOL_SIZE/);
  });

  it.skipIf(testBackend() !== 'postgres')('a process never holds more connections than that (postgres backend)', async () => {
    const t = await createTestDatabase();
    const db = await openDatabase(loadConfig({ DATABASE_URL: t.url!, SYNTRA_DB_POOL_SIZE: '2' }));
    try {
      // Six at once: an unbounded (or default-sized) pool would answer from six sessions.
      const pids = await Promise.all(Array.from({ length: 6 }, () => db.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)`)));
      expect(new Set(pids.map((r) => r.rows[0]!.pid)).size).toBeLessThanOrEqual(2);
    } finally {
      await db.close();
      await t.drop();
    }
  });
});
