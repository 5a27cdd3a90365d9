import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir, processStartOf, type LockHolder } from '../../src/runtime/data-dir-lock.js';

/** One writer per data directory: refused while the holder runs, taken over once it is gone, never two holders. */
describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(path.join(tmpdir(), 'syntra-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lockFile = () => path.join(dir, LOCK_FILE);
  const holder = (over: Partial<LockHolder>): LockHolder => ({ pid: process.pid, host: os.hostname(), command: 'syntra up', startedAt: '2025-03-14T10:00:00.000Z', token: 'old-token', ...over });
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

  it('names the holder to a second claimant and frees the directory on release', async () => {
    const first = await lockDataDir(dir, 'syntra up');
    expect((JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder).pid).toBe(process.pid);
    await expect(lockDataDir(dir, 'syntra up')).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringContaining(`in use by process ${process.pid} (syntra up, started`) });
    first.release();
    expect(existsSync(lockFile())).toBe(false);
    (await lockDataDir(dir, 'syntra up')).release();
  });

  it('takes over a lock whose process is gone', async () => {
    writeFileSync(lockFile(), JSON.stringify(holder({ pid: deadPid() })));
    const lock = await lockDataDir(dir, 'syntra up');
    expect((JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder).token).toBe(lock.holder.token);
    lock.release();
  });

  it.skipIf(processStartOf(process.pid) === undefined)('takes over a lock whose pid now belongs to a later process (pid reuse)', async () => {
    writeFileSync(lockFile(), JSON.stringify(holder({ processStart: '1' })));
    const lock = await lockDataDir(dir, 'syntra up');
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock left unreadable by a writer that died long ago, but not a fresh one', async () => {
    writeFileSync(lockFile(), '{"pid":');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(), old, old);
    (await lockDataDir(dir, 'syntra up')).release();
  });

  it('refuses a lock held on another host, saying which file to delete if that process is gone', async () => {
    writeFileSync(lockFile(), JSON.stringify(holder({ host: 'other-host.example', pid: 1 })));
    await expect(lockDataDir(dir, 'syntra up')).rejects.toThrow(new RegExp(`process 1 on host other-host.example .*delete ${lockFile().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('leaves a stale lock alone while another live process is taking it over', async () => {
    writeFileSync(lockFile(), JSON.stringify(holder({ pid: deadPid() })));
    writeFileSync(`${lockFile()}.takeover`, JSON.stringify(holder({ command: 'syntra up (other)', token: 'taker' })));
    await expect(lockDataDir(dir, 'syntra up')).rejects.toThrow(/is taking over its stale lock/);
    expect((JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder).token).toBe('old-token');
  });

  it('of several processes finding the same stale lock, exactly one takes it over', async () => {
    writeFileSync(lockFile(), JSON.stringify(holder({ pid: deadPid() })));
    const [go, done] = [path.join(dir, 'go'), path.join(dir, 'done')];
    const contender = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lock-contender.ts');
    const children = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', contender, dir, go, done], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())));
      const result = new Promise<string>((resolve) => child.stdout.on('data', () => /won|lost: .*\n/.test(out) && resolve(out.replace('ready\n', '').trim())));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      return { ready, result, exited };
    });
    // Every contender is loaded and waiting before the race starts; the winner holds until all have tried.
    await Promise.all(children.map((c) => c.ready));
    writeFileSync(go, '');
    const results = await Promise.all(children.map((c) => c.result));
    writeFileSync(done, '');
    await Promise.all(children.map((c) => c.exited));
    expect(results.filter((r) => r === 'won'), results.join('\n')).toHaveLength(1);
    expect(results.filter((r) => r.startsWith('lost: data directory'))).toHaveLength(3);
  }, 30_000);
});
