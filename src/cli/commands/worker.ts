import { Command } from 'commander';
import { UsageError } from '../exit.js';
import { configFrom, integerIn, requireDatabaseUrl, type ProcessFlags } from '../options.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description('run a worker that claims and executes tasks from PostgreSQL (DATABASE_URL); run any number of replicas')
    .option('-c, --concurrency <n>', 'tasks run at once (env SYNTRA_WORKER_CONCURRENCY, default 4)', integerIn(1, 256))
    .option('--watch', 'also scan every cluster (the default and the registered ones, or SYNTRA_WATCH_CLUSTERS) every SYNTRA_WATCH_INTERVAL_SECONDS (default 60) and raise alerts for what became unhealthy; one worker of all scans each cluster at a time (env SYNTRA_WATCH=1)')
    .option('--metrics-port <port>', 'serve this worker\'s counters on GET /metrics at this port, without a credential: keep it inside the cluster (env SYNTRA_METRICS_PORT; default: no metrics port)', integerIn(0, 65535))
    .option('--executor-only', 'run only approved actions (needs SYNTRA_EXECUTOR_KUBECONFIG, the writing identity); no investigations')
    .addHelpText(
      'after',
      '\nExamples:\n  $ DATABASE_URL=postgres://syntra@db:5432/syntra NATS_URL=nats://nats:4222 syntra worker --concurrency 8\n  $ DATABASE_URL=… SYNTRA_WATCH_NAMESPACE=production syntra worker --watch\n  $ DATABASE_URL=… SYNTRA_WATCH_CLUSTERS=default,prod-eu syntra worker --watch\n  $ SYNTRA_EXECUTOR_KUBECONFIG=/etc/syntra/executor/kubeconfig syntra worker --executor-only',
    )
    .action(async (flags: ProcessFlags & { executorOnly?: boolean; metricsPort?: number }) => {
      const config = configFrom(flags);
      requireDatabaseUrl(config, 'worker');
      // Loaded on use, so `--help` stays fast and never touches the database drivers.
      const { startWorkerProcess } = await import('../../runtime/worker-process.js');
      const { stopOnSignal } = await import('../../runtime/signals.js');
      const metricsPort = flags.metricsPort ?? metricsPortFromEnv();
      const proc = await startWorkerProcess(config, { executorOnly: flags.executorOnly === true, metricsPort });
      process.stdout.write(
        `Syntra ${flags.executorOnly ? 'executor' : 'worker'} running (concurrency ${config.worker.concurrency}, ${config.natsUrl ? 'NATS wakeups' : 'polling'} every ${config.worker.pollIntervalMs} ms as backstop${config.watch.enabled && !flags.executorOnly ? `; watching ${config.watch.namespace ?? 'every namespace'} of ${config.watch.clusters ? `clusters ${config.watch.clusters.join(', ')}` : 'every cluster'} every ${config.watch.intervalSeconds} s` : ''})\n`,
      );
      if (proc.metricsUrl) process.stdout.write(`Metrics: ${proc.metricsUrl}\n`);
      process.exitCode = await stopOnSignal(proc);
    });
}

function metricsPortFromEnv(): number | undefined {
  const raw = process.env.SYNTRA_METRICS_PORT?.trim();
  if (!raw) return undefined;
  try {
    return integerIn(0, 65535)(raw);
  } catch {
    throw new UsageError(`SYNTRA_METRICS_PORT must be a port number (0–65535), got "${raw}"`);
  }
}
