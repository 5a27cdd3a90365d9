import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from '../api/spawn-cli.js';

/**
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepare`), the tarball
 * installed into a temporary prefix with `npm install -g --prefix` (dependencies from the npm
 * cache where it has them, else the registry), and the installed `syntra` run from a directory
 * outside the clone. Slow (about a minute, most of it npm install): it runs with
 * `npm run test:pack` (SYNTRA_TEST_PACK=1), which `.ci/run` runs after the suite; `npm test` skips it.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'evidence', 'describe-deployment.txt');
const run = promisify(execFile);
const enabled = process.env.SYNTRA_TEST_PACK === '1';

const work = mkdtempSync(path.join(tmpdir(), 'syntra-pack-'));
const prefix = path.join(work, 'prefix');
const home = path.join(work, 'home');
const syntra = path.join(prefix, 'bin', 'syntra');
// An installed prefix is tens of thousands of files: removing it takes a while on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 300_000);

const cliConfigDir = path.join(home, '.syntra-cli');
/** The installed CLI with nothing of the clone around it: its own HOME, cwd and PATH. */
function start(args: string[]) {
  return spawn(syntra, args, {
    cwd: home,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, SYNTRA_CONFIG_DIR: cliConfigDir, SYNTRA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function installed(args: string[], ms: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return within(exited, ms, `syntra ${args.join(' ')}`)
    .then((code) => ({ code, stdout, stderr }))
    .finally(() => child.kill('SIGKILL'));
}

describe.skipIf(!enabled)('npm pack → npm install -g → syntra, outside the clone (npm run test:pack)', () => {
  beforeAll(async () => {
    mkdirSync(home);
    await run('npm', ['pack', '--pack-destination', work, '--no-audit', '--no-fund'], { cwd: ROOT, timeout: 180_000 });
    const tarball = readdirSync(work).find((f) => /^syntra-.*\.tgz$/.test(f));
    if (!tarball) throw new Error(`npm pack left no syntra-*.tgz in ${work}`);
    await run('npm', ['install', '-g', '--prefix', prefix, path.join(work, tarball), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: work, timeout: 600_000 });
    copyFileSync(FIXTURE, path.join(home, 'deployment.txt'));
  }, 800_000);

  it('installs only the built package: bin and dist, no sources, no TypeScript loader', () => {
    const pkg = path.join(prefix, 'lib', 'node_modules', 'syntra');
    const files = readdirSync(pkg);
    expect(files).toEqual(expect.arrayContaining(['bin', 'dist', 'package.json']));
    for (const source of ['src', 'test', 'scripts', 'bench', 'tsconfig.json']) expect(files, source).not.toContain(source);
    const deps = readdirSync(path.join(pkg, 'node_modules'));
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild']) expect(deps, dev).not.toContain(dev);
  });

  it('syntra --help', async () => {
    const r = await installed(['--help'], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+diagnose \[options\]/m);
  });

  it('syntra diagnose --from a kubectl describe file', async () => {
    const r = await installed(['diagnose', '--from', 'deployment.txt'], 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Root cause\s+rollout_stuck/);
  });

  it('syntra demo investigates the bundled cluster end to end and exits 0', async () => {
    const r = await installed(['demo'], 180_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Root cause\s+service_no_endpoints/);
  }, 200_000);

  it('syntra up serves the API, its docs (the files of Swagger UI itself) and the panel, accepts a submit, and stops on SIGINT', async () => {
    const child = start(['up', '--port', '0', '--data-dir', path.join(home, 'data')]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await within(
        new Promise<string>((resolve, reject) => {
          child.stdout.on('data', () => {
            const m = /API:\s+(\S+)/.exec(stdout);
            if (m && stdout.includes('Press Ctrl+C to stop.')) resolve(m[1]!);
          });
          void exited.then((code) => reject(new Error(`syntra up exited ${code}: ${stderr}`)));
        }),
        120_000,
        'syntra up to listen',
      );
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const docs = await fetch(`${url}/docs/static/swagger-ui.css`);
      expect(docs.status).toBe(200);
      expect((await docs.text()).length).toBeGreaterThan(1000);
      expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
      const panel = await fetch(`${url}/`);
      expect(panel.status).toBe(200);
      expect(await panel.text()).toMatch(/<html/i);
      const { apiKey } = JSON.parse(readFileSync(path.join(cliConfigDir, 'config.json'), 'utf8')) as { apiKey: string };
      const submit = await fetch(`${url}/v1/commands/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ kind: 'echo', input: { message: 'from the packed tarball' } }),
      });
      expect(submit.status, await submit.clone().text()).toBe(201);
      child.kill('SIGINT');
      expect(await within(exited, 60_000, 'syntra up to stop'), stderr).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 200_000);
});
