import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fullProgram } from '../../src/cli/main.js';
import { killAll, runCli, type CliEnv } from './run-cli.js';

/**
 * The CLI without a server: configuration precedence, usage errors (exit 2), an unreachable
 * server (exit 1 naming the URL), help on every command, shell completion.
 */
const root = mkdtempSync(path.join(tmpdir(), 'syntra-cli-offline-'));
let n = 0;
let where: CliEnv & { project: string; nested: string };

beforeEach(() => {
  const dir = path.join(root, String(++n));
  const project = path.join(dir, 'repo');
  const nested = path.join(project, 'services', 'auth');
  mkdirSync(nested, { recursive: true });
  where = { configDir: path.join(dir, 'config'), cwd: nested, project, nested };
});

afterAll(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

async function freePortThatNobodyListensOn(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const namespaceOf = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runCli(['config', 'get', 'namespace', '--json', ...args], { ...where, env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { value: string; source: string; origin: string | null };
};

describe('configuration', () => {
  it('precedence: flag > SYNTRA_* env > project .syntra/config.json (nearest up the tree) > user config > default', async () => {
    expect((await runCli(['config', 'get', 'endpoint'], where)).stdout.trim()).toBe('http://127.0.0.1:7070');

    const set = await runCli(['config', 'set', 'namespace', 'from-user'], where);
    expect(set.code, set.stderr).toBe(0);
    expect(statSync(path.join(where.configDir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(await namespaceOf([])).toMatchObject({ value: 'from-user', source: 'user' });

    // The project file two directories up applies to this nested working directory.
    mkdirSync(path.join(where.project, '.syntra'));
    writeFileSync(path.join(where.project, '.syntra', 'config.json'), JSON.stringify({ namespace: 'from-project' }));
    expect(await namespaceOf([])).toMatchObject({ value: 'from-project', source: 'project', origin: path.join(where.project, '.syntra', 'config.json') });

    expect(await namespaceOf([], { SYNTRA_NAMESPACE: 'from-env' })).toMatchObject({ value: 'from-env', source: 'env', origin: 'SYNTRA_NAMESPACE' });
    expect(await namespaceOf(['--namespace', 'from-flag'], { SYNTRA_NAMESPACE: 'from-env' })).toMatchObject({ value: 'from-flag', source: 'flag' });

    const unset = await runCli(['config', 'unset', 'namespace'], where);
    expect(unset.code).toBe(0);
    rmSync(path.join(where.project, '.syntra'), { recursive: true });
    const none = await runCli(['config', 'get', 'namespace'], where);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
  });

  it('api-key is masked unless --show-secret, never accepted into a project file, and ignored from a world-readable user file', async () => {
    const key = `sk_live_${'A1b2C3d4'.repeat(5)}xyz`;
    expect((await runCli(['config', 'set', 'api-key', key], where)).code).toBe(0);
    const masked = await runCli(['config', 'get', 'api-key'], where);
    expect(masked.stdout.trim()).toBe("sk_live_A1b2…4xyz");
    expect(masked.stdout).not.toContain(key);
    expect((await runCli(['config', 'get', 'api-key', '--show-secret'], where)).stdout.trim()).toBe(key);
    const list = await runCli(['config', 'list'], where);
    expect(list.stdout).not.toContain(key);

    const project = await runCli(['config', 'set', 'api-key', key, '--project'], where);
    expect(project.code).toBe(2);
    expect(project.stderr).toMatch(/secret/);

    chmodSync(path.join(where.configDir, 'config.json'), 0o644);
    const insecure = await runCli(['config', 'get', 'api-key', '--json'], where);
    expect(insecure.stderr).toContain('chmod 600');
    expect(JSON.parse(insecure.stdout)).toMatchObject({ value: null, source: 'default' });
  });

  it('unknown settings and bad values are usage errors (exit 2) that name what is valid', async () => {
    const unknown = await runCli(['config', 'set', 'colour', 'never'], where);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('endpoint, api-key, namespace, cluster, output, color');
    const badOutput = await runCli(['config', 'set', 'output', 'xml'], where);
    expect(badOutput.code).toBe(2);
    expect(badOutput.stderr).toContain('text, json');
    const badEnv = await runCli(['config', 'list'], { ...where, env: { SYNTRA_COLOR: 'sometimes' } });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('SYNTRA_COLOR');
  });
});

describe('errors and exit codes without a server', () => {
  it('server unreachable: exit 1, the URL and what to do', async () => {
    const url = `http://127.0.0.1:${await freePortThatNobodyListensOn()}`;
    const r = await runCli(['runs', 'list', '--endpoint', url], where);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the Syntra API at ${url}`);
    expect(r.stderr).toContain('syntra up');
    const viaEnv = await runCli(['status'], { ...where, env: { SYNTRA_ENDPOINT: url } });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toContain(url);
  });

  it.each([
    [['runs', 'show', 'not-a-run-id'], /UUID/],
    [['ask'], /missing required argument/],
    [['runs', 'list', '--status', 'sleeping'], /Allowed choices/],
    [['completion', 'fish'], /Allowed choices/],
    [['no-such-command'], /unknown command/],
  ])('usage error %j exits 2', async (args, message) => {
    const r = await runCli(args, where);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('help and completion', () => {
  it('every command has --help with examples', async () => {
    const missing: string[] = [];
    const visit = (cmd: Command, trail: string[]) => {
      let text = '';
      cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      cmd.outputHelp();
      if (!text.includes('Examples:')) missing.push(trail.join(' ') || 'syntra');
      for (const sub of cmd.commands) visit(sub, [...trail, sub.name()]);
    };
    visit(await fullProgram(), []);
    expect(missing).toEqual([]);
  });

  it('bash completion completes commands and subcommands', async () => {
    const script = await runCli(['completion', 'bash'], where);
    expect(script.code).toBe(0);
    const file = path.join(where.cwd, 'completion.bash');
    writeFileSync(file, script.stdout);
    const complete = (words: string) =>
      execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _syntra_complete; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8', timeout: 10_000 }).trim();
    expect(complete('syntra ru')).toBe('runs');
    expect(complete('syntra runs w')).toBe('watch');
    expect(complete('syntra ask --n').split(' ')).toContain('--namespace');
    const zsh = await runCli(['completion', 'zsh'], where);
    expect(zsh.stdout).toMatch(/^#compdef syntra/);
    expect(zsh.stdout).toContain('bashcompinit');
  });
});
