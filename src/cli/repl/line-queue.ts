import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Lines from readline, consumed one input at a time by the REPL loop, so a question runs to
 * its end before the next line is read (piped stdin delivers everything at once).
 * An input is a line, or several: a trailing backslash continues on the next line, and on a
 * terminal lines that arrive together (a paste) form one input.
 */
export class LineQueue {
  readonly #lines: string[] = [];
  #wake: (() => void) | undefined;
  #closed = false;

  push(line: string): void {
    this.#lines.push(line);
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async #nextLine(): Promise<string | undefined> {
    while (this.#lines.length === 0) {
      if (this.#closed) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    return this.#lines.shift();
  }

  /**
   * The next input, or undefined at the end of input.
   * `pasteWindowMs` > 0 joins lines that arrive within that window (terminal pastes).
   * `onContinue` is called when a trailing backslash asks for another line.
   */
  async nextInput(options: { pasteWindowMs?: number; onContinue?: () => void } = {}): Promise<string | undefined> {
    const parts: string[] = [];
    for (;;) {
      const line = await this.#nextLine();
      if (line === undefined) return parts.length ? parts.join('\n') : undefined;
      if (line.endsWith('\\')) {
        parts.push(line.slice(0, -1));
        options.onContinue?.();
        continue;
      }
      parts.push(line);
      if (options.pasteWindowMs) {
        await sleep(options.pasteWindowMs);
        if (this.#lines.length > 0) continue;
      }
      return parts.join('\n');
    }
  }
}
