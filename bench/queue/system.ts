/**
 * One queue implementation under test, behind the few operations the scenarios need. Every job
 * carries `{ seq }`; the handler reports its start through the probe and does nothing else
 * (a trivial task), so what is measured is the queue itself.
 */
export interface JobProbe {
  /** Called first thing in the handler, once per execution. */
  started(seq: number): void;
}

export interface QueueSystem {
  /** Row label in the table. */
  readonly label: string;
  /** The settings used, for the report. */
  readonly settings: string;
  /** Upper bound on jobs per scenario for slow variants (embedded PGlite); undefined → the run's counts. */
  readonly jobCap?: number;
  /** Scenarios this variant takes part in (raw variants only drain a preloaded queue). */
  readonly scenarios: ReadonlySet<ScenarioName>;
  /** Inserts jobs seq = firstSeq … firstSeq+n-1 while no worker runs, in bulk where the system offers it. */
  preload(firstSeq: number, n: number): Promise<void>;
  startWorkers(probe: JobProbe): Promise<void>;
  /** Stops workers and waits for them (bounded by the caller). */
  stopWorkers(): Promise<void>;
  /** One job through the system's ordinary single-job submit call. */
  submit(seq: number): Promise<void>;
  /** Jobs in the database not yet completed. */
  pending(): Promise<number>;
  /** Refreshes planner statistics (after a bulk preload, as autovacuum eventually would). */
  analyze(): Promise<void>;
  close(): Promise<void>;
}

export type ScenarioName = 'claim' | 'submit' | 'latency';
export const ALL_SCENARIOS: ReadonlySet<ScenarioName> = new Set(['claim', 'submit', 'latency']);

export interface Tuning {
  /** Handlers in flight per worker process (graphile concurrency, Syntra concurrency). */
  concurrency: number;
  /** Connections per system pool. */
  poolSize: number;
  /** Syntra worker runtime: items claimed ahead beyond concurrency (WorkerOptions.prefetch). */
  syntraPrefetch: number;
}
