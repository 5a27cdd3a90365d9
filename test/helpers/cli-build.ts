import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain-JavaScript build script without type declarations
import { transpileSources } from '../../scripts/transpile-sources.mjs';

/**
 * vitest global setup: the sources transpiled once, before any test file runs, into a copy that
 * the tests' CLI children start from (test/helpers/syntra-bin.ts). Under the tsx loader every
 * child paid 1–3 s to resolve and transpile ~1,500 modules again, and the suite starts a few
 * hundred of them; the copy is made from the tree under test, so it is never stale, and each run
 * writes its own (parallel runs in one checkout never share one). It sits beside src/ and dist/,
 * at the checkout's root, because the code finds package.json, web/dist and node_modules from
 * there exactly as dist/ does.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(ROOT, `.test-cli-${process.pid}`);
const DONE = path.join(OUT, '.built');

export async function setup(): Promise<void> {
  // Projects each call the setup of the config they extend: build once per run.
  if (!existsSync(DONE)) {
    await transpileSources(OUT);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(DONE, '');
  }
  process.env.SYNTRA_TEST_CLI_ENTRY = path.join(OUT, 'cli', 'bin.js');
}

export function teardown(): void {
  rmSync(OUT, { recursive: true, force: true });
}
