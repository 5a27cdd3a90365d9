// src/**/*.ts transpiled to OUT/**/*.js one file for one file (no bundling, so `import.meta.url`
// paths, lazy `import()`s and the data files next to the code keep working unchanged), plus the
// non-TypeScript files the code reads at run time (migrations, the demo cluster). The test run
// starts its CLI children from such a copy (test/helpers/cli-build.ts); the build bundles instead
// and copies the same data files (scripts/build-server.mjs). esbuild only strips types.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');

function sourceTree() {
  const files = readdirSync(SRC, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return {
    sources: files.filter((e) => e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')).map((e) => path.join(e.parentPath, e.name)),
    assets: files.filter((e) => !e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name)),
  };
}

/** Copies the files the code reads at run time to where they sit under src/; returns how many. */
export function copyDataFiles(out, assets = sourceTree().assets) {
  for (const file of assets) cpSync(file, path.join(out, path.relative(SRC, file)));
  return assets.length;
}

/** Returns how many modules and data files were written. */
export async function transpileSources(out) {
  const { sources, assets } = sourceTree();
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: sources,
    outdir: out,
    outbase: SRC,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    logLevel: 'warning',
  });
  return { modules: sources.length, dataFiles: copyDataFiles(out, assets) };
}
