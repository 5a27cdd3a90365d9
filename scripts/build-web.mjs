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
