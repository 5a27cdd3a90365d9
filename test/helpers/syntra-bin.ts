import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How tests start the CLI as a process: `node <copy>/cli/bin.js …`, where the copy is the tree
 * under test transpiled once per test run by the global setup (test/helpers/cli-build.ts), so
 * `npm test` tests what is in the tree with no build step and never a stale dist/. Outside
 * vitest's global setup (a file run on its own by another runner) it falls back to the sources
 * under the tsx loader: `node --import tsx src/cli/bin.ts …`. bin/syntra.js is the same entry
 * built to dist/; test/ship/pack.test.ts runs that one, from a packed tarball installed outside
 * the clone.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYNTRA_ENTRY = path.join(ROOT, 'src', 'cli', 'bin.ts');
const BUILT = process.env.SYNTRA_TEST_CLI_ENTRY;
/** Absolute, so a child started in a temporary cwd still finds the loader. */
const TSX = () => pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
export const SYNTRA_ARGV: readonly string[] = BUILT ? [BUILT] : ['--import', TSX(), SYNTRA_ENTRY];
/** The directory of the code those children run (the transpiled copy or src/), for tests that look at what a child loaded. */
export const SYNTRA_CODE_ROOT = path.dirname(path.dirname(BUILT ?? SYNTRA_ENTRY));
