import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SYNTRA_ARGV } from '../helpers/syntra-bin.js';

/**
 * Runs the CLI (`node --import tsx src/cli/bin.ts …`, test/helpers/syntra-bin.ts) as a child process, the way a user types it, with its own config
 * dir, working directory and environment (nothing leaks in from the developer's machine), stdin
 * from the test, and every wait bounded.
 */
/** The CLI's arguments after `node`, as one shell word list (for `script -c`). */
export const BIN = SYNTRA_ARGV.join(' ');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliChild {
  child: ChildProcess;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** Resolves once `pattern` matches stdout (or stderr with `stream: 'err'`); rejects on exit or timeout. */
  waitFor(pattern: RegExp, ms: number, stream?: 'out' | 'err'): Promise<RegExpExecArray>;
  write(text: string): void;
}

const live = new Set<ChildProcess>();

export function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms: ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CliEnv {
  configDir: string;
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** A clean environment: no SYNTRA_* or NO_COLOR from the outside, HOME and XDG pointed away. */
function cleanEnv(o: CliEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SYNTRA_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v;
  Object.assign(env, { SYNTRA_CONFIG_DIR: o.configDir, HOME: o.cwd, XDG_CONFIG_HOME: path.join(o.cwd, '.xdg') });
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function startCli(args: string[], o: CliEnv & { command?: string[] }): CliChild {
  const [file, ...pre] = o.command ?? [process.execPath, ...SYNTRA_ARGV];
  const child = spawn(file!, [...pre, ...args], { cwd: o.cwd, env: cleanEnv(o), stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => live.delete(child));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    write: (text) => void child.stdin!.write(text),
    waitFor: (pattern, ms, stream = 'out') =>
      within(
        new Promise<RegExpExecArray>((resolve, reject) => {
          const source = stream === 'out' ? child.stdout! : child.stderr!;
          const check = () => {
            const m = pattern.exec(stream === 'out' ? stdout : stderr);
            if (m) {
              source.off('data', check);
              resolve(m);
            }
          };
          source.on('data', check);
          check();
          void exited.then((code) => reject(new Error(`syntra ${args.join(' ')} exited ${code} before ${pattern}: ${stdout}\n${stderr}`)));
        }),
        ms,
        `${pattern} from syntra ${args.join(' ')}; stdout so far: ${stdout}; stderr: ${stderr}`,
      ),
  };
}

export async function runCli(args: string[], o: CliEnv & { input?: string; timeoutMs?: number }): Promise<CliRun> {
  const p = startCli(args, o);
  p.child.stdin!.end(o.input ?? '');
  try {
    const code = await within(p.exited, o.timeoutMs ?? 30_000, `syntra ${args.join(' ')}`);
    return { code, stdout: p.out(), stderr: p.err() };
  } catch (e) {
    p.child.kill('SIGKILL');
    throw e;
  }
}

// eslint-disable-next-line no-control-regex -- matching the escape character is the point: asserts output has no escapes
export const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/;
