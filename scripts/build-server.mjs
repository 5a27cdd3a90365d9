#!/usr/bin/env node
// Builds the server and CLI into dist/: the sources transpiled file for file with their data files
// (scripts/transpile-sources.mjs), and the pre-migrated embedded database snapshot. Plain
// JavaScript on purpose: it runs in `npm install`'s `prepare`, before anything else is built.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, transpileSources } from './transpile-sources.mjs';

const OUT = path.join(ROOT, 'dist');

const started = performance.now();
const { modules, dataFiles } = await transpileSources(OUT);
// The pre-migrated embedded database (dist/db/snapshot.js says why), from the code just built.
const { writeSnapshot, SNAPSHOT_DIR } = await import(pathToFileURL(path.join(OUT, 'db', 'snapshot.js')).href);
const { vectorStorage } = await import(pathToFileURL(path.join(OUT, 'incidents', 'memory', 'vector-storage.js')).href);
await writeSnapshot(undefined, undefined, (db) => vectorStorage(db));
process.stdout.write(
  `build:server: ${modules} modules and ${dataFiles} data files → dist/, ${path.relative(ROOT, SNAPSHOT_DIR)}/ ${JSON.parse(readFileSync(`${SNAPSHOT_DIR}.json`, 'utf8')).files.length} files, in ${Math.round(performance.now() - started)} ms\n`,
);
