#!/usr/bin/env node
// Builds the server and CLI: src/cli/bin.ts bundled with esbuild into dist/bundle/ (ESM, split so
// every lazy `import()` stays a chunk of its own that loads on use), the data files the code
// reads at run time copied to dist/ where the unbundled layout had them (migrations, the demo
// cluster), and the pre-migrated embedded database snapshot. Plain JavaScript on purpose: it runs
// in `npm install`'s `prepare`, before anything else is built. Type checking stays
// `npm run typecheck` (esbuild only strips types). docs/packaging.md says why a bundle.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';
import { copyDataFiles, ROOT } from './transpile-sources.mjs';

const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'dist');
const BUNDLE = path.join(OUT, 'bundle');

const started = performance.now();
rmSync(OUT, { recursive: true, force: true });
const { metafile } = await build({
  ...bundleOptions({ root: ROOT, outdir: BUNDLE }),
  entryPoints: { syntra: path.join(SRC, 'cli', 'bin.ts') },
  splitting: true,
  chunkNames: 'chunk-[hash]',
  metafile: true,
});
// The modules our worker threads run (src/runtime/module-thread.ts starts them), each a bundle of
// its own where the unbundled layout had it, so the path the main thread computes for it is the
// same in both: embedded PGlite's (src/db/pglite-thread.ts), a large dump's log reader's
// (src/investigator/sources/dump-log-reader.ts).
for (const thread of ['db/pglite-worker.ts', 'investigator/sources/dump-log-worker.ts']) {
  await build({
    ...bundleOptions({ root: ROOT, outdir: path.join(OUT, path.dirname(thread)) }),
    entryPoints: { [path.basename(thread, '.ts')]: path.join(SRC, thread) },
  });
}
const dataFiles = copyDataFiles(OUT);

// The pre-migrated embedded database (src/db/snapshot.ts says why), written by the same code
// bundled the same way: a one-off entry beside the bundle (so its paths resolve as the CLI's do), removed after use.
const writer = path.join(BUNDLE, 'write-snapshot.mjs');
await build({
  ...bundleOptions({ root: ROOT, outdir: BUNDLE }),
  stdin: {
    contents: `import { writeSnapshot } from './db/snapshot.ts';
import { vectorStorage } from './incidents/memory/vector-storage.ts';
await writeSnapshot(undefined, undefined, (db) => vectorStorage(db));`,
    resolveDir: SRC,
    sourcefile: 'write-snapshot.ts',
    loader: 'ts',
  },
  outfile: writer,
  outdir: undefined,
});
try {
  await import(pathToFileURL(writer).href);
} finally {
  rmSync(writer, { force: true });
}

const inputs = Object.keys(metafile.inputs);
const ours = inputs.filter((f) => !f.includes('node_modules/')).length;
const outputs = Object.keys(metafile.outputs).filter((f) => f.endsWith('.js'));
const snapshot = path.join(OUT, 'db', 'pglite-snapshot');
process.stdout.write(
  `build:server: ${ours} of our modules and ${inputs.length - ours} of dependencies → ${outputs.length} files in ${path.relative(ROOT, BUNDLE)}/, ${dataFiles} data files, ${path.relative(ROOT, snapshot)}/ ${JSON.parse(readFileSync(`${snapshot}.json`, 'utf8')).files.length} files, in ${Math.round(performance.now() - started)} ms\n`,
);
