import { Command } from 'commander';
import { configFrom, integerIn, requireDatabaseUrl, type ProcessFlags } from '../options.js';

export function serverCommand(): Command {
  return new Command('server')
    .description('run the control API and the outbox relay against PostgreSQL (DATABASE_URL); run any number of replicas')
    .option('-p, --port <port>', 'port to listen on (env SYNTRA_PORT, default 7070)', integerIn(0, 65535))
    .option('--host <host>', 'interface to listen on (env SYNTRA_HOST, default 127.0.0.1; 0.0.0.0 in containers)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ DATABASE_URL=postgres://syntra@db:5432/syntra NATS_URL=nats://nats:4222 syntra server --host 0.0.0.0',
    )
    .action(async (flags: ProcessFlags) => {
      const config = configFrom(flags);
      requireDatabaseUrl(config, 'server');
      // Loaded on use, so `--help` stays fast and never touches the database drivers.
      const { startServer } = await import('../../runtime/server.js');
      const { stopOnSignal } = await import('../../runtime/signals.js');
      const proc = await startServer(config);
      process.stdout.write(`Syntra server listening: ${proc.url}  (docs ${proc.url}/docs)\n`);
      if (!config.natsUrl) {
        process.stderr.write('note: NATS_URL is not set; workers in other processes pick up work by polling only.\n');
      }
      process.exitCode = await stopOnSignal(proc);
    });
}
