import { spawn, type ChildProcess } from 'node:child_process';
import { SYNTRA_ARGV } from '../helpers/syntra-bin.js';

/** Runs the CLI as a child process (the sources: test/helpers/syntra-bin.ts), the way a user does, with bounded waits. */

export interface CliProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** Resolves with the first capture of `pattern` in stdout; rejects if the process exits first. */
  waitForLine(pattern: RegExp, ms: number): Promise<string>;
}

const live: ChildProcess[] = [];

export function killAll(): void {
  for (const c of live.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [...SYNTRA_ARGV, ...args], {
    env: { ...process.env, DATABASE_URL: '', NATS_URL: '', SYNTRA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    waitForLine: (pattern, ms) =>
      within(
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const m = pattern.exec(stdout);
            if (m) resolve(m[1] ?? m[0]);
          };
          check();
          child.stdout!.on('data', check);
          void exited.then((code) => reject(new Error(`syntra ${args.join(' ')} exited ${code}: ${stderr}`)));
        }),
        ms,
        `${pattern} from syntra ${args.join(' ')}`,
      ),
  };
}

export async function runCli(args: string[], env: Record<string, string> = {}) {
  const p = startCli(args, env);
  const code = await within(p.exited, 30_000, `syntra ${args.join(' ')}`);
  return { code, stdout: p.out(), stderr: p.err() };
}

/** Submits an echo command and polls (bounded) until the run succeeded; returns its output. */
export async function echoRoundTrip(url: string, message: string, auth: Record<string, string> = {}): Promise<unknown> {
  const submitted = await fetch(`${url}/v1/commands/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ kind: 'echo', input: { message } }),
  });
  if (submitted.status !== 201) throw new Error(`submit answered ${submitted.status}: ${await submitted.text()}`);
  const { runId } = (await submitted.json()) as { runId: string };
  for (let i = 0; i < 300; i++) {
    const { run } = (await (await fetch(`${url}/v1/runs/${runId}`, { headers: auth })).json()) as { run: { status: string; output: unknown } };
    if (run.status === 'succeeded') return run.output;
    if (run.status === 'failed' || run.status === 'cancelled') throw new Error(`run ${runId} ended ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} did not succeed in time`);
}
