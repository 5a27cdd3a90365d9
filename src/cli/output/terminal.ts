import { Chalk, type ChalkInstance } from 'chalk';
import type { Settings } from '../config/resolve.js';

/**
 * Where a command writes and how it looks: colours only when allowed (--color, SYNTRA_COLOR,
 * NO_COLOR, or auto = stdout is a TTY), JSON when asked for, tables and spinners only on a TTY.
 */
export interface Terminal {
  readonly json: boolean;
  /** stdout is an interactive terminal (tables, wider layouts). */
  readonly tty: boolean;
  /** stderr is a terminal and output is not JSON: spinners may draw there. */
  readonly interactive: boolean;
  readonly color: ChalkInstance;
  readonly columns: number;
  out(text: string): void;
  err(text: string): void;
  /** Prints a value as pretty JSON to stdout. */
  printJson(value: unknown): void;
}

export interface TerminalStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export function useColor(setting: Settings['color'], stream: { isTTY?: boolean }): boolean {
  if (setting === 'always') return true;
  if (setting === 'never') return false;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

let pipeGuard = false;

/** `syntra runs list | head` closes the pipe early: that is the reader's choice, not a failure. */
function exitQuietlyOnClosedPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

export function createTerminal(settings: Pick<Settings, 'color' | 'output'>, streams: TerminalStreams = process): Terminal {
  if (streams === process) exitQuietlyOnClosedPipe();
  const colored = useColor(settings.color, streams.stdout);
  const json = settings.output === 'json';
  return {
    json,
    tty: Boolean(streams.stdout.isTTY),
    interactive: !json && Boolean(streams.stderr.isTTY),
    color: new Chalk({ level: colored ? 2 : 0 }),
    columns: streams.stdout.columns || 100,
    out: (text) => void streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => void streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
