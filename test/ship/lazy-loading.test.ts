import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { within } from '../api/spawn-cli.js';
import { SYNTRA_ARGV, SYNTRA_CODE_ROOT } from '../helpers/syntra-bin.js';

/**
 * What a command loads, recorded by a loader hook in the CLI process (record-modules.mjs): a
 * command imports only what it needs. Behaviour, not timing: the list of modules.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const RECORDER = pathToFileURL(path.join(HERE, 'record-modules.mjs')).href;
const FIXTURE = path.join(HERE, '..', 'fixtures', 'evidence', 'describe-deployment.txt');
const work = mkdtempSync(path.join(tmpdir(), 'syntra-lazy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A module's path, whether the recorder logged a file URL or a path. */
const pathOf = (m: string) => (m.startsWith('file:') ? fileURLToPath(m) : m);
/** Syntra's own modules, those under the code the child ran (the test run's transpiled copy, or src/ under tsx). */
const isOurs = (m: string) => pathOf(m).startsWith(`${SYNTRA_CODE_ROOT}${path.sep}`);
/** The npm packages a module list touches (`@scope/name` or `name`). */
function packagesOf(modules: string[]): Set<string> {
  return new Set(modules.filter((m) => !isOurs(m)).flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []));
}
/** The test's own loader (tsx runs the sources) and what it brings; the built CLI has none of them. */
const LOADER = new Set(['tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps']);

let n = 0;
async function modulesLoadedBy(args: string[]): Promise<{ code: number | null; modules: string[]; packages: string[] }> {
  const log = path.join(work, `modules-${n++}.txt`);
  const child = spawn(process.execPath, ['--import', RECORDER, ...SYNTRA_ARGV, ...args], {
    env: { PATH: process.env.PATH, HOME: work, SYNTRA_CONFIG_DIR: work, SYNTRA_MODULE_LOG: log },
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await within(new Promise<number | null>((resolve) => child.on('exit', resolve)), 30_000, `syntra ${args.join(' ')}`);
  const modules = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
  return { code, modules, packages: [...packagesOf(modules)].filter((p) => !LOADER.has(p)).sort() };
}

const ours = (modules: string[], dir: string) => modules.filter((m) => isOurs(m) && pathOf(m).slice(SYNTRA_CODE_ROOT.length + 1).startsWith(dir));

describe('lazy loading', () => {
  it('syntra --help loads commander and the CLI shell, no command', async () => {
    const r = await modulesLoadedBy(['--help']);
    expect(r.code).toBe(0);
    expect(r.packages).toEqual(['commander']);
    expect(ours(r.modules, 'cli/commands/')).toEqual([]);
  });

  it('syntra diagnose --from FILE never loads the API, the database, the model SDKs or the Kubernetes client', async () => {
    const r = await modulesLoadedBy(['diagnose', '--from', FIXTURE]);
    expect(r.code).toBe(0);
    // The recorder sees them: the investigator did load (the diagnosis ran).
    expect(ours(r.modules, 'investigator/').length).toBeGreaterThan(0);
    for (const heavy of ['fastify', '@electric-sql/pglite', 'pg', 'openai', '@anthropic-ai/sdk', '@kubernetes/client-node', '@aws-sdk/client-s3', 'prom-client', 'ora', '@opentelemetry/api', '@opentelemetry/sdk-node']) {
      expect(r.packages, heavy).not.toContain(heavy);
    }
    for (const dir of ['api/', 'db/', 'llm/', 'control-plane/', 'worker/', 'cli/commands/runs']) expect(ours(r.modules, dir), dir).toEqual([]);
  });

  it('syntra runs --help loads the runs command and none of the server side', async () => {
    const r = await modulesLoadedBy(['runs', '--help']);
    expect(r.code).toBe(0);
    expect(ours(r.modules, 'cli/commands/').map((m) => path.basename(m).replace(/\.[jt]s$/, ''))).toEqual(['runs']);
    for (const heavy of ['fastify', '@electric-sql/pglite', 'pg', 'openai', '@anthropic-ai/sdk', '@kubernetes/client-node']) expect(r.packages, heavy).not.toContain(heavy);
  });
});
