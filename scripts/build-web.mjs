// The `prepare` step of `npm install` / `npm ci`: builds the admin panel (web/) into web/dist,
// which the API serves at `/`. An install without dev dependencies (`--omit=dev`) has no Vite:
// it says so and succeeds, and `/` then answers 503 with how to build the panel.
import { fileURLToPath } from 'node:url';

let vite;
try {
  vite = await import('vite');
} catch {
  console.warn('syntra: vite is not installed (an install without dev dependencies), so the admin panel is not built; run `npm install` with dev dependencies, then `npm run build:web`.');
  process.exit(0);
}
await vite.build({ configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });

// Pre-compressed siblings (name.br, name.gz) of every built file: @fastify/static (preCompressed)
// sends the one the browser accepts, so the panel travels compressed without compressing per request.
const { readdirSync, readFileSync, writeFileSync, statSync } = await import('node:fs');
const { brotliCompressSync, gzipSync, constants } = await import('node:zlib');
const dist = fileURLToPath(new URL('../web/dist/', import.meta.url));
const walk = (dir) => readdirSync(dir).flatMap((name) => (statSync(dir + name).isDirectory() ? walk(`${dir}${name}/`) : [dir + name]));
for (const file of walk(dist).filter((f) => /\.(js|css|html|svg)$/.test(f))) {
  const body = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
}
