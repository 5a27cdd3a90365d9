import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin panel: React without a framework plugin (esbuild compiles the JSX), built into
 * web/dist, which the API serves at `/` (src/api/panel.ts). Hashed file names under /assets let
 * the server cache them forever; index.html is revalidated on every load.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/v1': 'http://127.0.0.1:7070', '/graphql': { target: 'ws://127.0.0.1:7070', ws: true } } },
});
