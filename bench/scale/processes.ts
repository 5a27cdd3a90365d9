import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../lib/timing.js';

/**
 * The built CLI (`bin/syntra.js`, which runs dist/: `npm run build` first) as separate processes,
 * the way an operator runs replicas: `syntra server` and `syntra worker`.
 */
const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'syntra.js');

export interface Replica {
  name: string;
  pid: number;
  /** The captured group of the ready line: the API's URL, or the worker's banner. */
  ready: Promise<string>;
  stop(): Promise<void>;
}

export function startReplica(name: string, args: string[], env: Record<string, string>, readyLine: RegExp): Replica {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = withTimeout(
    `${name} to start`,
    new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out = (out + d.toString()).slice(-4000);
        const m = readyLine.exec(out);
        if (m) resolve(m[1] ?? m[0]);
      });
      void exited.then(() => reject(new Error(`${name} exited before it was ready: ${err.trim().split('\n').slice(-3).join(' | ')}`)));
    }),
    180_000,
  );
  ready.catch(() => {});
  return {
    name,
    pid: child.pid!,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await withTimeout(`${name} to exit`, exited, 30_000).catch(() => {
        child.kill('SIGKILL');
      });
    },
  };
}
