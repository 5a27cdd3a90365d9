import { defineConfig } from 'vitest/config';

/**
 * Tests that touch the database are named *.db.test.ts and run once per backend:
 * on PGlite always, and again on the real PostgreSQL (and NATS) when TEST_DATABASE_URL is set.
 * Everything else runs once.
 */
const onServers = Boolean(process.env.TEST_DATABASE_URL);
/** Fails a test file that leaves a database behind on the server (test/helpers/db.ts). */
const LEAK_CHECK = 'test/helpers/leak-check.ts';

/**
 * Test files run side by side. vitest's own default is one worker fewer than the cores, which is a
 * single worker on the 2-core CI machine: every file then waits for the one before, although most
 * of a file's time is spent importing (one core) or waiting on other processes — PostgreSQL, NATS,
 * the spawned CLI, Chromium. Three workers keep both cores busy (figures: docs/benchmarks.md,
 * "test suite: workers"). Files stay isolated (one fresh process and database each); tests that
 * share a server (NATS subjects, PostgreSQL) must tolerate other files' traffic.
 * SYNTRA_TEST_WORKERS=1 gets the old one-file-at-a-time order back (vitest's `--maxWorkers` flag
 * does not reach the projects once the config sets a value: the projects inherit this one).
 */
const TEST_WORKERS = Number(process.env.SYNTRA_TEST_WORKERS) || 3;

export default defineConfig({
  test: {
    maxWorkers: TEST_WORKERS,
    // The CLI children start from a copy transpiled once per run (test/helpers/cli-build.ts).
    globalSetup: ['test/helpers/cli-build.ts'],
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
