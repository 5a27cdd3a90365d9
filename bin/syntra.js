#!/usr/bin/env node
// Runs the built CLI (dist/, JavaScript made by `npm run build`, which `npm install` runs in a
// clone through `prepare`; a packed tarball ships it). No TypeScript loader at run time.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bundle/syntra.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('syntra: the CLI is not built (no dist/bundle/syntra.js); run `npm run build` in the Syntra checkout (npm install does it too)\n');
  process.exit(1);
}
await import(built.href);
