/** Resolves once everything written to stdout and stderr so far has been handed to the OS. */
export async function flushOutput(): Promise<void> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => (stream.writableLength === 0 || stream.destroyed ? resolve() : stream.write('', () => resolve()))),
    ),
  );
}

/** Bare `syntra` on a terminal opens the REPL; elsewhere it prints help (usage, exit 2). */
export function withDefaultCommand(argv: readonly string[], isTTY = Boolean(process.stdin.isTTY && process.stdout.isTTY)): string[] {
  return argv.length <= 2 && isTTY ? [...argv, 'repl'] : [...argv];
}
