import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '../helpers/db.js';
import { createTestKey } from '../access/admin-key.js';
import { echoRoundTrip, killAll, startCli, within } from './spawn-cli.js';

/**
 * Distributed mode as deployed: `syntra server` and `syntra worker` as separate processes on
 * one PostgreSQL (this file's own database) and NATS when NATS_URL is set. Only meaningful on a
 * PostgreSQL server, so it runs in the "postgres" project and is skipped on PGlite.
 */
const onPostgres = testBackend() === 'postgres';
let testDb: TestDatabase | undefined;
beforeAll(async () => {
  if (onPostgres) testDb = await createTestDatabase();
});
afterAll(async () => {
  killAll();
  await testDb?.drop();
});

describe.skipIf(!onPostgres)('syntra server + syntra worker', () => {
  it('an echo command submitted to the server is run by the separate worker; both stop cleanly on SIGTERM', async () => {
    const env = {
      DATABASE_URL: testDb!.url!,
      NATS_URL: process.env.NATS_URL ?? '',
      SYNTRA_PORT: '0',
      SYNTRA_POLL_INTERVAL_MS: '200',
      SYNTRA_MASTER_KEY: 'the distributed test master key, 32+ characters',
    };
    const server = startCli(['server'], env);
    const worker = startCli(['worker', '--concurrency', '2'], env);
    const url = await server.waitForLine(/listening: (http:\/\/\S+)/, 60_000);
    await worker.waitForLine(/(Syntra worker running)/, 60_000);

    const { headers } = await createTestKey(testDb!.db);
    expect(await echoRoundTrip(url, 'across processes', headers)).toEqual({ message: 'across processes' });

    worker.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect(await within(worker.exited, 30_000, 'worker exit')).toBe(0);
    expect(await within(server.exited, 30_000, 'server exit')).toBe(0);
  }, 120_000); // two cold process starts on a loaded 2-core machine
});
