// How the CLI is bundled (scripts/build-server.mjs): esbuild options and the one plugin that keeps
// paths right. Loading ~1,500 files one by one was most of a first `syntra up`'s start (opening
// each, Node's resolution stats, compiling): a bundle loads a few dozen files instead.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Left to Node, loaded from node_modules as before: what cannot be bundled, and what no start
 * path loads.
 * - PGlite and its pgvector extension read their WebAssembly, data and extension files relative
 *   to their own modules (`new URL(…, import.meta.url)`); @node-rs/argon2 is a native addon;
 *   pg-native is pg's optional native binding (not installed).
 * - The heavy SDKs a command loads only on first use (docs/packaging.md, "Lazy loading"): the
 *   Kubernetes client for a live cluster, the model providers, S3, the OpenTelemetry SDK when
 *   OTEL_EXPORTER_OTLP_ENDPOINT is set, the MCP SDK. Bundled they would only make the build
 *   bigger and slower; they cost nothing at start either way.
 */
export const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@electric-sql/pglite-pgvector',
  '@node-rs/argon2',
  'pg-native',
  '@kubernetes/client-node',
  '@kubernetes/client-node/*',
  'openai',
  'openai/*',
  '@anthropic-ai/sdk',
  '@anthropic-ai/sdk/*',
  '@aws-sdk/*',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@modelcontextprotocol/sdk',
  '@modelcontextprotocol/sdk/*',
];

/** Every output file gets a `require` (bundled CommonJS calls it for Node's built-ins and the externals). */
const BANNER = "import { createRequire as __syntraCreateRequire } from 'node:module'; const require = __syntraCreateRequire(import.meta.url);";

/** The package a node_modules file belongs to, and the file's place in it. */
function packageOf(file) {
  const at = file.lastIndexOf(`${path.sep}node_modules${path.sep}`) + `${path.sep}node_modules${path.sep}`.length;
  const parts = file.slice(at).split(path.sep);
  const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  return { name, root: file.slice(0, at + name.length) };
}

/**
 * - Our modules: `import.meta.url` becomes the URL the module had in the unbundled layout
 *   (dist/<same path as under src/>.js), so `new URL('./pglite-snapshot', import.meta.url)`, the
 *   migrations, the demo cluster, ../../package.json and web/dist/ resolve as they did; every
 *   output file is in `outdir`, so one relative path per module is right whichever chunk it lands in.
 * - Bundled CommonJS dependencies that use `__dirname`/`__filename` (to serve their own static
 *   files: Swagger UI, GraphiQL): a direct dependency gets its real directory, found at run time
 *   through Node's resolution (npm may have installed it anywhere); any other gets a function that
 *   throws when a code path we do not use (pino's transports, thread-stream, qlobber's worker)
 *   asks for it, so it fails loudly rather than with a wrong path.
 * - A bundled dependency that uses `import.meta.url` would read its files from the wrong place:
 *   the build fails, naming it, so it is added to EXTERNAL.
 */
function pathsPlugin({ root, outdir }) {
  const src = path.join(root, 'src');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const direct = new Set(Object.keys(pkg.dependencies ?? {}));
  const resolveFromRoot = createRequire(path.join(root, 'package.json')).resolve;
  return {
    name: 'syntra-paths',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(src + path.sep)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const unbundled = path.join(root, 'dist', path.relative(src, args.path)).replace(/\.ts$/, '.js');
        const rel = path.relative(outdir, unbundled).split(path.sep).join('/');
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
      });
      build.onLoad({ filter: /\.(c|m)?js$/ }, (args) => {
        if (!args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (/\bimport\.meta\.url\b/.test(source)) {
          return { errors: [{ text: `${path.relative(root, args.path)} reads files relative to import.meta.url: add its package to EXTERNAL in scripts/bundle-options.mjs` }] };
        }
        if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
        const { name, root: pkgRoot } = packageOf(args.path);
        const where = path.relative(pkgRoot, path.dirname(args.path)).split(path.sep).join('/') || '.';
        let dir;
        if (direct.has(name)) {
          // From the package's main file (always resolvable, unlike package.json behind an exports map) up to the file's directory.
          const up = path.relative(path.dirname(resolveFromRoot(name)), path.join(pkgRoot, where)).split(path.sep).join('/') || '.';
          dir = `require('node:path').join(require('node:path').dirname(require.resolve(${JSON.stringify(name)})), ${JSON.stringify(up)})`;
        } else {
          dir = `(() => { throw new Error(${JSON.stringify(`bundled ${name}/${where} asked for its directory (__dirname), which only a package left outside the bundle has: add ${name} to EXTERNAL in scripts/bundle-options.mjs`)}); })()`;
        }
        const file = JSON.stringify(path.basename(args.path));
        // Appended (declarations are hoisted), so a leading 'use strict' stays the module's directive.
        const helpers = `\nfunction __syntraDirname() { return ${dir}; }\nfunction __syntraFilename() { return require('node:path').join(__syntraDirname(), ${file}); }\n`;
        return { contents: source.replace(/\b__dirname\b/g, '__syntraDirname()').replace(/\b__filename\b/g, '__syntraFilename()') + helpers, loader: 'js' };
      });
    },
  };
}

/** The options every bundle of the CLI shares; the caller adds entry points and splitting. */
export function bundleOptions({ root, outdir }) {
  return {
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    outdir,
    external: EXTERNAL,
    banner: { js: BANNER },
    plugins: [pathsPlugin({ root, outdir })],
    logLevel: 'warning',
  };
}
