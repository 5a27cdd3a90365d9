// src/**/*.ts transpiled to OUT/**/*.js one file for one file (no bundling, so `import.meta.url`
// paths, lazy `import()`s and the data files next to the code keep working unchanged), plus the
// non-TypeScript files the code reads at run time (migrations, the demo cluster). Used by the
// build (scripts/build-server.mjs) and by the test run, which starts the CLI from a fresh copy
// (test/helpers/cli-build.ts). esbuild only strips types; type checking is `npm run typecheck`.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');

/** Returns how many modules and data files were written. */
export async function transpileSources(out) {
  const files = readdirSync(SRC, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const sources = files.filter((e) => e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')).map((e) => path.join(e.parentPath, e.name));
  const assets = files.filter((e) => !e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
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
  for (const file of assets) cpSync(file, path.join(out, path.relative(SRC, file)));
  return { modules: sources.length, dataFiles: assets.length };
}
