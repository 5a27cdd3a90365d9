import ora, { type Ora } from 'ora';
import type { Terminal } from './terminal.js';

/**
 * A spinner on stderr while waiting, only when stderr is a terminal and output is not JSON.
 * `line()` prints a permanent line to stdout above it (one per agent step).
 */
export interface Progress {
  text(text: string): void;
  line(text: string): void;
  stop(): void;
}

export function startProgress(term: Terminal, text: string): Progress {
  // A terminal without a size (e.g. a pty whose size was never set) makes ora's line
  // accounting divide by zero and redraw forever: no spinner there.
  if (!term.interactive || !(process.stderr.columns > 0)) {
    return { text() {}, line: (t) => term.out(t), stop() {} };
  }
  // discardStdin would swallow Ctrl-C and fight the REPL's readline for stdin.
  const spinner: Ora = ora({ text, stream: process.stderr, discardStdin: false, isEnabled: true, color: term.color.level > 0 ? 'cyan' : false }).start();
  return {
    text: (t) => {
      spinner.text = t;
    },
    line: (t) => {
      spinner.clear();
      term.out(t);
      spinner.render();
    },
    stop: () => spinner.stop(),
  };
}
