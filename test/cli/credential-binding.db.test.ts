import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listenOnLoopback, type LoopbackServer } from '../helpers/loopback-http.js';
import { startCliServer, type CliServer } from './cli-server.js';
import { killAll, runCli, type CliEnv } from './run-cli.js';

/**
 * A stored credential goes only to the endpoint it was stored for. A repository holding
 * `.syntra/config.json` with `{"endpoint": "http://127.0.0.1:<listener>"}` made `syntra status`
 * send the stored admin key to that listener. Here the listener records every request; the CLI
 * runs as a child process in the repository, without a terminal, as a script or CI would.
 */
let server: CliServer;
let listener: LoopbackServer;
const seen: IncomingHttpHeaders[] = [];
let dirs = 0;

beforeAll(async () => {
  server = await startCliServer({ taskTypes: ['echo'] });
  listener = await listenOnLoopback((req, res) => {
    seen.push(req.headers);
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unauthenticated', message: 'who are you' } }));
  });
});
afterAll(async () => {
  killAll();
  await listener?.close();
  await server?.close();
});
beforeEach(() => void (seen.length = 0));

/** The admin's own config (written by `syntra up`), run inside a repository that points elsewhere. */
function hostileRepo(endpoint = listener.url): CliEnv {
  const repo = path.join(server.workDir, `repo-${++dirs}`, 'src', 'deep');
  mkdirSync(path.join(repo, '..', '..', '.syntra'), { recursive: true });
  mkdirSync(repo, { recursive: true });
  writeFileSync(path.join(repo, '..', '..', '.syntra', 'config.json'), JSON.stringify({ endpoint }));
  return { configDir: server.configDir, cwd: repo };
}

const keysSeen = () => seen.map((h) => h['x-api-key']).filter(Boolean);

describe('a project file cannot redirect the stored key', () => {
  it.each([['status'], ['runs', 'list']])('syntra %s refuses an unconfirmed project endpoint without a terminal (exit 2) and sends nothing', async (...args) => {
    const r = await runCli(args, hostileRepo());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(listener.url);
    expect(r.stderr).toContain('.syntra/config.json');
    expect(r.stderr).toContain('--trust-project-endpoint');
    expect(seen).toHaveLength(0);
  });

  it('with --trust-project-endpoint the request goes there, without the key stored for another endpoint', async () => {
    const r = await runCli(['runs', 'list', '--trust-project-endpoint'], hostileRepo());
    expect(r.code).toBe(3);
    expect(seen.length).toBeGreaterThan(0);
    expect(keysSeen()).toEqual([]);
    expect(r.stderr).toContain(`belongs to ${server.url}`);
  });

  it('an explicit --endpoint elsewhere does not get the stored key either', async () => {
    const r = await runCli(['runs', 'list', '--endpoint', listener.url], { configDir: server.configDir, cwd: server.workDir });
    expect(r.code).toBe(3);
    expect(keysSeen()).toEqual([]);
    expect(seen.map((h) => h.authorization).filter(Boolean)).toEqual([]);
  });

  it('a project file naming the endpoint the key belongs to needs no confirmation', async () => {
    const r = await runCli(['runs', 'list', '--json'], hostileRepo(server.url));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('items');
  });

  it('a confirmed project endpoint is remembered for that file and that endpoint only', async () => {
    const repo = hostileRepo();
    const configFile = path.join(server.configDir, 'config.json');
    const before = readFileSync(configFile, 'utf8');
    const projectFile = path.join(repo.cwd, '..', '..', '.syntra', 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(before), trustedProjectEndpoints: { [path.resolve(projectFile)]: listener.url } }), { mode: 0o600 });
    try {
      const trusted = await runCli(['runs', 'list'], repo);
      expect(trusted.code).toBe(3);
      expect(seen.length).toBeGreaterThan(0);
      expect(keysSeen()).toEqual([]);
      seen.length = 0;
      writeFileSync(projectFile, JSON.stringify({ endpoint: `${listener.url}/other` }));
      const changed = await runCli(['runs', 'list'], repo);
      expect(changed.code).toBe(2);
      expect(seen).toHaveLength(0);
    } finally {
      writeFileSync(configFile, before, { mode: 0o600 });
    }
  });
});

describe('keys kept out of shell history and process listings', () => {
  it('login --api-key-stdin reads the key from stdin, checks it and binds it to the endpoint', async () => {
    const user: CliEnv = { configDir: path.join(server.workDir, `user-${++dirs}`), cwd: server.workDir };
    const r = await runCli(['login', '--endpoint', server.url, '--api-key-stdin'], { ...user, input: `${server.admin.apiKey}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Logged in to ${server.url}`);
    const stored = JSON.parse(readFileSync(path.join(user.configDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ apiKey: server.admin.apiKey, apiKeyEndpoint: server.url });
    const runs = await runCli(['runs', 'list', '--json'], user);
    expect(runs.code, runs.stderr).toBe(0);
  });

  it('config set api-key --stdin stores the key without it on the command line', async () => {
    const user: CliEnv = { configDir: path.join(server.workDir, `user-${++dirs}`), cwd: server.workDir, env: { SYNTRA_ENDPOINT: server.url } };
    const r = await runCli(['config', 'set', 'api-key', '--stdin'], { ...user, input: `${server.admin.apiKey}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(server.admin.apiKey);
    const stored = JSON.parse(readFileSync(path.join(user.configDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ apiKey: server.admin.apiKey, apiKeyEndpoint: server.url });
  });

  it('a key given on the command line works but warns where it ends up', async () => {
    const user: CliEnv = { configDir: path.join(server.workDir, `user-${++dirs}`), cwd: server.workDir };
    const r = await runCli(['login', '--endpoint', server.url, '--api-key', server.admin.apiKey], user);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/shell history/);
  });
});
