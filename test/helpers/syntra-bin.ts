import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How tests start the CLI as a process: `node --import tsx src/cli/bin.ts …`, the sources, so
 * `npm test` tests what is in the tree with no build step and never a stale dist/ (and parallel
 * test runs never write dist/ under each other). bin/syntra.js is the same entry built to
 * dist/; test/ship/pack.test.ts runs that one, from a packed tarball installed outside the clone.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SYNTRA_ENTRY = path.join(ROOT, 'src', 'cli', 'bin.ts');
/** Absolute, so a child started in a temporary cwd still finds the loader. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
export const SYNTRA_ARGV: readonly string[] = ['--import', TSX, SYNTRA_ENTRY];
