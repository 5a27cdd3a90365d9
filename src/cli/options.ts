import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { loadConfig, type SyntraConfig } from '../config.js';
import { UsageError } from './exit.js';

/** Options the process commands share; flags win over environment variables. */
export interface ProcessFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  concurrency?: number;
  /** `syntra worker --watch`: the watch loop in this worker (SYNTRA_WATCH). */
  watch?: boolean;
}

export function integerIn(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer between ${min} and ${max}`);
    return n;
  };
}

export function configFrom(flags: ProcessFlags, env: NodeJS.ProcessEnv = process.env): SyntraConfig {
  const base = loadConfig(env);
  return loadConfig(env, {
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.dataDir === undefined ? {} : { dataDir: path.resolve(flags.dataDir) }),
    ...(flags.concurrency === undefined ? {} : { worker: { ...base.worker, concurrency: flags.concurrency } }),
    ...(flags.watch ? { watch: { ...base.watch, enabled: true } } : {}),
  });
}

/** Distributed processes share one PostgreSQL; without it each would have a private database. */
export function requireDatabaseUrl(config: SyntraConfig, verb: string): void {
  if (config.databaseUrl) return;
  throw new UsageError(
    `DATABASE_URL is not set: \`syntra ${verb}\` runs against the PostgreSQL database that all server and worker processes share.\n` +
      `  Set it, e.g.:  DATABASE_URL=postgres://user:password@db-host:5432/syntra syntra ${verb}\n` +
      `  (optionally NATS_URL=nats://nats-host:4222 for instant wakeups across processes)\n` +
      `  For a single process with no setup at all, run:  syntra up`,
  );
}
