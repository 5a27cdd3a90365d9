import { Command } from 'commander';
import { configFrom, integerIn, requireDatabaseUrl, type ProcessFlags } from '../options.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description('run a worker that claims and executes tasks from PostgreSQL (DATABASE_URL); run any number of replicas')
    .option('-c, --concurrency <n>', 'tasks run at once (env SYNTRA_WORKER_CONCURRENCY, default 4)', integerIn(1, 256))
    .option('--watch', 'also scan the cluster every SYNTRA_WATCH_INTERVAL_SECONDS (default 60) and raise alerts for what became unhealthy; one worker of all scans at a time (env SYNTRA_WATCH=1)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ DATABASE_URL=postgres://syntra@db:5432/syntra NATS_URL=nats://nats:4222 syntra worker --concurrency 8\n  $ DATABASE_URL=… SYNTRA_WATCH_NAMESPACE=production syntra worker --watch',
    )
    .action(async (flags: ProcessFlags) => {
      const config = configFrom(flags);
      requireDatabaseUrl(config, 'worker');
      // Loaded on use, so `--help` stays fast and never touches the database drivers.
      const { startWorkerProcess } = await import('../../runtime/worker-process.js');
      const { stopOnSignal } = await import('../../runtime/signals.js');
      const proc = await startWorkerProcess(config);
      process.stdout.write(
        `Syntra worker running (concurrency ${config.worker.concurrency}, ${config.natsUrl ? 'NATS wakeups' : 'polling'} every ${config.worker.pollIntervalMs} ms as backstop${config.watch.enabled ? `; watching ${config.watch.namespace ?? 'every namespace'} every ${config.watch.intervalSeconds} s` : ''})\n`,
      );
      process.exitCode = await stopOnSignal(proc);
    });
}
