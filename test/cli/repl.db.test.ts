import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, type CliServer } from './cli-server.js';
import { BIN, killAll, runCli, startCli, within, type CliEnv } from './run-cli.js';

/**
 * The REPL as a person uses it: through piped stdin (scripts) and through a pseudo-terminal
 * (`script` from util-linux gives the child a real TTY: prompt, raw-mode keys, history).
 * `ask` runs have no handler on this server, so a question keeps running until cancelled.
 */
let server: CliServer;
let user: CliEnv;

async function runOf(id: string): Promise<{ status: string; namespace: string | null; input: { prompt?: string } }> {
  const res = await fetch(`${server.url}/v1/runs/${id}`, { headers: { 'x-api-key': server.admin.apiKey } });
  return ((await res.json()) as { run: { status: string; namespace: string | null; input: { prompt?: string } } }).run;
}

async function askRuns(): Promise<Array<{ input: { prompt?: string } }>> {
  const res = await fetch(`${server.url}/v1/runs?kind=ask&limit=100`, { headers: { 'x-api-key': server.admin.apiKey } });
  return ((await res.json()) as { items: Array<{ input: { prompt?: string } }> }).items;
}

beforeAll(async () => {
  server = await startCliServer({ taskTypes: ['echo'] });
  user = { configDir: server.configDir, cwd: server.workDir };
});

afterAll(async () => {
  killAll();
  await server?.close();
});

describe('repl through piped stdin', () => {
  it('slash commands run in order; /exit ends the session before later lines', async () => {
    const r = await runCli(['repl'], { ...user, input: '/help\n/namespace production\n/namespace\n/runs\n/bogus\n/exit\nthis question is never asked\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('/namespace NS');
    expect(r.stdout.match(/namespace: production/g)).toHaveLength(2);
    expect(r.stdout).toContain('unknown command /bogus');
    expect((await askRuns()).map((x) => x.input.prompt)).not.toContain('this question is never asked');
  });

  it('accepts the original CLI\'s --enhanced (history is always on)', async () => {
    const r = await runCli(['repl', '--enhanced'], { ...user, input: '/namespace\n/exit\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('unknown option');
    expect(r.stdout).toContain('namespace:');
  });

  it('a multi-line question (trailing backslash) runs in the namespace set by /namespace; Ctrl-C cancels it and its run, not the session', async () => {
    const p = startCli(['repl'], user);
    p.write('/namespace staging\nwhy is auth-service \\\ncrashing\n');
    const [, runId] = await p.waitFor(/run ([0-9a-f-]{36}) in staging/, 30_000, 'err');
    expect(await runOf(runId!)).toMatchObject({ namespace: 'staging', input: { prompt: 'why is auth-service \ncrashing' } });
    p.child.kill('SIGINT');
    await p.waitFor(new RegExp(`Cancelled run ${runId}`), 30_000);
    expect((await runOf(runId!)).status).toBe('cancelled');
    // Still alive: it answers the next command.
    p.write('/namespace\n');
    await p.waitFor(/namespace: staging\n[\s\S]*namespace: staging/, 30_000);
    p.child.stdin!.end('/exit\n');
    expect(await within(p.exited, 30_000, 'repl to exit')).toBe(0);
  });
});

describe('repl in a pseudo-terminal', () => {
  // `stty` gives the pty a size, as a real terminal has (the spinner needs one).
  const inPty = (args: string) => startCli([], { ...user, command: ['script', '-qfec', `stty cols 120 rows 40; ${process.execPath} ${BIN} ${args}`.trim(), '/dev/null'] });

  it('bare `syntra` opens the REPL; the prompt shows the namespace; history survives into the next session', async () => {
    const first = inPty('');
    await first.waitFor(/syntra> /, 60_000);
    first.write('/namespace production\r');
    await first.waitFor(/syntra\(production\)> /, 30_000);
    first.write('/exit\r');
    expect(await within(first.exited, 30_000, 'first session to exit')).toBe(0);

    const history = path.join(user.configDir, 'history');
    expect(existsSync(history)).toBe(true);
    expect(statSync(history).mode & 0o777).toBe(0o600);
    expect(readFileSync(history, 'utf8')).toContain('/namespace production');

    const second = inPty('repl');
    await second.waitFor(/syntra> /, 60_000);
    // Up twice: past "/exit" to "/namespace production", then Enter.
    second.write('\x1b[A');
    second.write('\x1b[A');
    second.write('\r');
    await second.waitFor(/namespace: production/, 30_000);
    // Ctrl-C with nothing running does not end the session.
    second.write('\x03');
    await second.waitFor(/Ctrl-C cancels a running question/, 30_000);
    second.write('/exit\r');
    expect(await within(second.exited, 30_000, 'second session to exit')).toBe(0);
  });
});

describe('repl in a pseudo-terminal, asking', () => {
  it('Ctrl-C (a raw ^C keypress) cancels the running question and its run; the prompt comes back', async () => {
    const p = startCli([], { ...user, command: ['script', '-qfec', `stty cols 120 rows 40; ${process.execPath} ${BIN} repl -n production`, '/dev/null'] });
    await p.waitFor(/syntra\(production\)> /, 20_000);
    p.write('why is checkout slow\r');
    const [, runId] = await p.waitFor(/run ([0-9a-f-]{36}) in production/, 30_000);
    // Coloured on a terminal: "queued" and "ask" have colour codes between them.
    await p.waitFor(/queued\S*\s\S*ask/, 30_000);
    p.write('\x03');
    await p.waitFor(new RegExp(`Cancelled run ${runId}`), 30_000);
    expect((await runOf(runId!)).status).toBe('cancelled');
    p.write('/exit\r');
    expect(await within(p.exited, 30_000, 'repl to exit')).toBe(0);
  }, 90_000);

  it('while a question waits for a worker the spinner says so; what is typed meanwhile is neither echoed nor asked after Ctrl-C', async () => {
    const p = startCli([], { ...user, command: ['script', '-qfec', `stty cols 120 rows 40; ${process.execPath} ${BIN} repl -n production`, '/dev/null'] });
    await p.waitFor(/syntra\(production\)> /, 20_000);
    p.write('why is billing down\r');
    const [, runId] = await p.waitFor(/run ([0-9a-f-]{36}) in production/, 30_000);
    // No worker serves `ask` here: the run stays queued, and the spinner tells why nothing moves.
    await p.waitFor(/waiting for a free worker slot/, 30_000);
    p.write('typed during the run\r');
    p.write('half typed');
    await new Promise((r) => setTimeout(r, 500));
    p.write('\x03');
    await p.waitFor(new RegExp(`Cancelled run ${runId}`), 30_000);
    // The half-typed text is gone: "/exit" alone reaches the REPL and ends it.
    await new Promise((r) => setTimeout(r, 500));
    p.write('/exit\r');
    expect(await within(p.exited, 30_000, 'repl to exit')).toBe(0);
    expect(p.out()).not.toContain('typed during the run');
    expect(p.out()).not.toContain('half typed');
    const prompts = (await askRuns()).map((x) => x.input.prompt);
    expect(prompts).toContain('why is billing down');
    expect(prompts.some((q) => q?.includes('typed'))).toBe(false);
  }, 90_000);
});
