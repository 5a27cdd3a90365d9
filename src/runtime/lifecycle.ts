/**
 * A running Syntra process (embedded, server or worker) as the CLI sees it: where it listens
 * and how to stop it. Stopping is ordered by the assembler: stop taking new work first, drain,
 * then close the bus and the database last.
 */
export interface RunningProcess {
  /** The API's base URL when this process serves HTTP. */
  readonly url: string | undefined;
  /** Local CLI config holding an admin API key (embedded mode), for ready-to-paste examples. */
  readonly apiKeyFile?: string | undefined;
  /** Idempotent: a second call waits for the first. */
  stop(): Promise<void>;
}

/** One named step of an ordered shutdown. */
export type ShutdownStep = readonly [name: string, step: () => Promise<unknown> | unknown];

/** Runs shutdown steps in order; a failing step is reported but never skips the later ones. */
export function orderedShutdown(steps: ReadonlyArray<ShutdownStep>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      const failures: string[] = [];
      for (const [name, step] of steps) {
        try {
          await step();
        } catch (e) {
          failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      if (failures.length > 0) throw new Error(`shutdown incomplete (${failures.join('; ')})`);
    })());
}

/** The URL a listening server can be reached at; 0.0.0.0/:: become loopback for copy-paste. */
export function reachableUrl(address: string | { address: string; port: number } | null, fallbackHost: string): string {
  if (address === null || typeof address === 'string') return `http://${fallbackHost}`;
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
