import { defineConfig } from 'vitest/config';

/**
 * Tests that touch the database are named *.db.test.ts and run once per backend:
 * on PGlite always, and again on the real PostgreSQL (and NATS) when TEST_DATABASE_URL is set.
 * Everything else runs once.
 */
const onServers = Boolean(process.env.TEST_DATABASE_URL);
/** Fails a test file that leaves a database behind on the server (test/helpers/db.ts). */
const LEAK_CHECK = 'test/helpers/leak-check.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.db.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'pglite', include: ['test/**/*.db.test.ts'], setupFiles: [LEAK_CHECK], env: { SYNTRA_TEST_DB: 'pglite', NATS_URL: '' } },
      },
      ...(onServers
        ? [
            {
              extends: true as const,
              test: { name: 'postgres', include: ['test/**/*.db.test.ts'], setupFiles: [LEAK_CHECK], env: { SYNTRA_TEST_DB: 'postgres' } },
            },
          ]
        : []),
    ],
  },
});
