/**
 * The contract every benchmark module honours. A benchmark is a top-level file
 * `bench/<name>.ts` that exports `benchmark`; `bench/run.ts` discovers it by file name, so adding
 * one (e.g. `bench/diagnose.ts`, `bench/ask.ts`) needs no change to the dispatcher.
 * Helpers live in sub-directories (`bench/lib/`, `bench/<name>/`) and are never listed.
 */
export interface Benchmark {
  /** One line for the list `npm run bench` prints. */
  readonly description: string;
  /** Runs the benchmark; `args` are the command-line words after its name. Resolves to an exit code. */
  run(args: readonly string[]): Promise<number>;
}
