// Preloaded with `node --import ./record-modules.mjs …` by lazy-loading.test.ts: appends every
// module the process loads to the file named by SYNTRA_MODULE_LOG, one URL or path a line —
// ES modules as the loader resolves them (a hook, on the loader thread) and CommonJS modules
// from require.cache when the process exits (require() calls inside CommonJS packages never
// reach the ES loader).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.SYNTRA_MODULE_LOG;
if (log) {
  register('./record-modules-hooks.mjs', import.meta.url, { data: { log } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(log, Object.keys(require.cache).map((p) => `${p}\n`).join('')));
}
