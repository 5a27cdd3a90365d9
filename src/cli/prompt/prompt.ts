import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../exit.js';

/**
 * Questions on the terminal for `syntra login`: a line of text, or a secret read without echo.
 * When stdin is not a terminal the answers are read line by line from it (scripts:
 * `printf 'me@x\npassword\n' | syntra login`).
 */
let piped: { rl: Interface; lines: AsyncIterator<string> } | undefined;

async function nextPipedLine(what: string): Promise<string> {
  piped ??= (() => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    return { rl, lines: rl[Symbol.asyncIterator]() };
  })();
  const next = await piped.lines.next();
  if (next.done) throw new UsageError(`stdin ended before the ${what} was given`);
  return next.value;
}

export function closePrompts(): void {
  piped?.rl.close();
  piped = undefined;
}

export async function ask(question: string, options: { secret?: boolean; what?: string } = {}): Promise<string> {
  const what = options.what ?? question.replace(/[:?]\s*$/, '').toLowerCase();
  if (!process.stdin.isTTY) return (await nextPipedLine(what)).replace(/\r$/, '');
  let muted = false;
  // Echo goes through this stream, so typing a secret shows nothing.
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.question(question, (answer) => resolve(answer));
      muted = options.secret === true;
      rl.once('SIGINT', () => reject(new UsageError('cancelled')));
      rl.once('close', () => reject(new UsageError(`no ${what} given`)));
    });
  } finally {
    if (options.secret) process.stderr.write('\n');
    rl.close();
  }
}
