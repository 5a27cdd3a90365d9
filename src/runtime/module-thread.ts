import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread that runs one of our modules, `built` (a `.js` URL beside the caller's own).
 * Built, the module is a bundle of its own where the unbundled layout had it (an entry of
 * scripts/build-server.mjs); in the test run's transpiled copy it is the transpiled file. From the
 * sources (tests, tsx) there is no `.js` beside the caller: the `.ts` runs through tsx's loader,
 * registered on the thread itself (a worker's `--import` does not reach its own entry module on Node 20).
 */
export function startModuleThread(built: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (existsSync(built)) return new Worker(built, options);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const source = built.href.replace(/\.js$/, '.ts');
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, { ...options, eval: true });
}
