import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, type SyntraConfig } from '../../src/config.js';
import { openPgliteThread } from '../../src/db/pglite-thread.js';
import { LOCK_FILE } from '../../src/runtime/data-dir-lock.js';
import { startEmbedded } from '../../src/runtime/embedded.js';
import type { RunningProcess } from '../../src/runtime/lifecycle.js';
import { killAll, runCli, startCli } from '../api/spawn-cli.js';

/**
 * `syntra up`'s data directory: owner-only on a new install and on one from before that rule
 * (files 0600, directories 0700: the signing secrets, hashes and runs are in there), one writer
 * at a time (a second `syntra up` is refused at once, exit 2, naming the process that holds it),
 * a lock left by a writer killed with SIGKILL taken over, and a busy port reported before a new
 * directory is created. Writers are real `syntra up` processes and the stack in this process, on
 * a real on-disk PGlite.
 */
let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'syntra-datadir-'));
  vi.stubEnv('SYNTRA_CONFIG_DIR', path.join(root, 'config'));
});
afterAll(() => {
  killAll();
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

const configFor = (dataDir: string, port = 0): SyntraConfig =>
  loadConfig({ SYNTRA_DATA_DIR: dataDir, SYNTRA_LOG_LEVEL: 'silent', NATS_URL: '', SYNTRA_EVIDENCE: 'demo' }, { host: '127.0.0.1', port });

/** Every entry under `dir` whose mode lets group or others in. */
function exposed(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if ((st.mode & 0o077) !== 0) out.push(`${(st.mode & 0o777).toString(8)} ${path.relative(dir, p)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(path.join(p, n));
  };
  walk(dir);
  return out;
}

function openUp(dir: string): void {
  const walk = (p: string) => {
    const st = lstatSync(p);
    chmodSync(p, st.isDirectory() ? 0o777 : 0o666);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(path.join(p, n));
  };
  walk(dir);
}

describe('the embedded data directory', () => {
  const dataDir = () => path.join(root, 'project', '.syntra', 'data');
  let proc: RunningProcess | undefined;
  afterEach(async () => {
    await proc?.stop();
    proc = undefined;
  });

  it('is owner-only, has one writer, survives its writer being killed, and is owner-only again after an upgrade', async () => {
    // The first writer: a real `syntra up` on a new data directory.
    const first = startCli(['up', '--data-dir', dataDir(), '--port', '0'], { SYNTRA_CONFIG_DIR: path.join(root, 'config-1') });
    await first.waitForLine(/API:\s+(http:\/\/\S+)/, 90_000);
    expect(exposed(dataDir())).toEqual([]);

    // A second one is refused at once, naming the first.
    const second = await runCli(['up', '--data-dir', dataDir(), '--port', '0'], { SYNTRA_CONFIG_DIR: path.join(root, 'config-2') });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`data directory ${dataDir()} is in use by process ${first.child.pid} (syntra up`);
    expect(second.stdout).not.toContain('Syntra is up');

    // kill -9 leaves its lock behind; the next start finds the process gone and takes over. Meanwhile the
    // directory is opened up as an install from before the rule was: the start makes it owner-only again.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(path.join(dataDir(), LOCK_FILE))).toBe(true);
    openUp(dataDir());
    expect(exposed(dataDir()).length).toBeGreaterThan(900);
    proc = await startEmbedded(configFor(dataDir()));
    expect(exposed(dataDir())).toEqual([]);
    expect(readFileSync(path.join(dataDir(), LOCK_FILE), 'utf8')).toContain(`"pid":${process.pid}`);

    await proc.stop();
    proc = undefined;
    expect(existsSync(path.join(dataDir(), LOCK_FILE))).toBe(false);
    expect(exposed(dataDir())).toEqual([]);
  }, 180_000);

  it('reports a busy port before creating a new data directory', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const fresh = path.join(root, 'never-created', 'data');
    try {
      await expect(startEmbedded(configFor(fresh, port))).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`) });
      expect(existsSync(path.join(root, 'never-created'))).toBe(false);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('a database that cannot open fails the start with its own error, though the API and the agents were starting meanwhile', async () => {
    // The embedded database lives in <data dir>/pg: a file there cannot be opened as one.
    const dir = path.join(root, 'unopenable', 'data');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, 'pg'), 'not a database directory');
    const own = await openPgliteThread({ dataDir: path.join(dir, 'pg') }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(own).toBeInstanceOf(Error);
    await expect(startEmbedded(configFor(dir))).rejects.toThrow(own!.message);
    // Released: the lock is gone and the next start takes the directory.
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    rmSync(path.join(dir, 'pg'));
    proc = await startEmbedded(configFor(dir));
    expect(proc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  }, 120_000);

  it('a start-up that fails after the database opened closes it and frees the directory', async () => {
    const dir = path.join(root, 'failing-start', 'data');
    vi.stubEnv('SYNTRA_LLM_PROVIDER', 'no-such-provider'); // the agents' worker refuses it, after the database opened
    try {
      await expect(startEmbedded(configFor(dir))).rejects.toMatchObject({ code: 'config_invalid' });
    } finally {
      vi.stubEnv('SYNTRA_LLM_PROVIDER', '');
    }
    proc = await startEmbedded(configFor(dir));
    expect(proc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  }, 120_000);
});
