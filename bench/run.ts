import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './lib/benchmark.js';

/**
 * `npm run bench -- <name> [args…]` → `tsx bench/run.ts <name> [args…]`.
 * Benchmarks are discovered by file name: every top-level `bench/<name>.ts` other than this one
 * that exports `benchmark` (see lib/benchmark.ts). No name or an unknown one lists them.
 */
const here = path.dirname(fileURLToPath(import.meta.url));

function availableNames(): string[] {
  return readdirSync(here, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && e.name !== 'run.ts')
    .map((e) => e.name.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Benchmark> {
  const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { benchmark?: Benchmark };
  if (!mod.benchmark || typeof mod.benchmark.run !== 'function') {
    throw new Error(`bench/${name}.ts does not export a "benchmark" ({ description, run })`);
  }
  return mod.benchmark;
}

async function printList(): Promise<void> {
  console.log('usage: npm run bench -- <benchmark> [args…]\n\navailable benchmarks:');
  for (const name of availableNames()) {
    const description = await load(name).then(
      (b) => b.description,
      (e: unknown) => `(cannot load: ${e instanceof Error ? e.message : String(e)})`,
    );
    console.log(`  ${name.padEnd(12)} ${description}`);
  }
}

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    await printList();
    return name ? 0 : 2;
  }
  if (!availableNames().includes(name)) {
    console.error(`unknown benchmark "${name}"\n`);
    await printList();
    return 2;
  }
  return (await load(name)).run(args);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
