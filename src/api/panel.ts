import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { markRoutesPublic } from './permissions.js';

/** Where `npm install` (the prepare script: vite build) puts the admin panel. */
export const PANEL_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * The admin panel's static files at `/` (public: the panel signs in through the API). One route
 * per built file (no wildcard), so every other path keeps answering the API's JSON 404.
 * Files under /assets/ have content hashes in their names: cached for a year, immutable;
 * index.html is revalidated on every load, so a new build is picked up at once. The build writes
 * brotli and gzip siblings of every file (scripts/build-web.mjs): the one the browser accepts is
 * sent (`Vary: Accept-Encoding`), with the same cache headers. The app-wide
 * CSP (helmet: default-src 'self', script-src 'self', no inline scripts) is all the panel needs:
 * its scripts, styles, fetches and WebSocket all go to this origin.
 */
export async function panelRoutes(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? PANEL_DIR;
  markRoutesPublic(app);
  if (!existsSync(`${dir}/index.html`)) {
    app.get('/', async (_request, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('The admin panel is not built. Run `npm install` (or `npm run build:web`) in the Syntra checkout, then restart.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    cacheControl: false,
    etag: true,
    lastModified: true,
    preCompressed: true,
    // The compressed siblings are sent in place of their file, never as routes of their own.
    globIgnore: ['**/*.br', '**/*.gz'],
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      // The body depends on Accept-Encoding (preCompressed): shared caches must key on it.
      res.setHeader('vary', 'accept-encoding');
    },
  });
}
