#!/usr/bin/env node
// Builds the server and CLI: every src/**/*.ts transpiled to dist/**/*.js one file for one file
// (no bundling, so `import.meta.url` paths, lazy `import()`s and the data files next to the code
// keep working unchanged), plus the non-TypeScript files the code reads at run time (migrations,
// the demo cluster), and the pre-migrated embedded database snapshot. Plain JavaScript on purpose: it runs in `npm install`'s `prepare`, before
// anything else is built. Type checking stays `npm run typecheck` (esbuild only strips types).
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'dist');

const files = readdirSync(SRC, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
const sources = files.filter((e) => e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')).map((e) => path.join(e.parentPath, e.name));
const assets = files.filter((e) => !e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));

const started = performance.now();
rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: sources,
  outdir: OUT,
  outbase: SRC,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20.11',
  logLevel: 'warning',
});
for (const file of assets) cpSync(file, path.join(OUT, path.relative(SRC, file)));
// The pre-migrated embedded database (dist/db/snapshot.js says why), from the code just built.
const { writeSnapshot, SNAPSHOT_DIR } = await import(pathToFileURL(path.join(OUT, 'db', 'snapshot.js')).href);
const { vectorStorage } = await import(pathToFileURL(path.join(OUT, 'incidents', 'memory', 'vector-storage.js')).href);
await writeSnapshot(undefined, undefined, (db) => vectorStorage(db));
process.stdout.write(
  `build:server: ${sources.length} modules and ${assets.length} data files → dist/, ${path.relative(ROOT, SNAPSHOT_DIR)}/ ${JSON.parse(readFileSync(`${SNAPSHOT_DIR}.json`, 'utf8')).files.length} files, in ${Math.round(performance.now() - started)} ms\n`,
);
