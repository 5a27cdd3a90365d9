import { Command } from 'commander';
import { configFrom, integerIn, type ProcessFlags } from '../options.js';

/**
 * What `syntra up` prints once it listens: where it is and commands to try it that work as
 * pasted. Auth is always on, so they read the admin API key from the local CLI config into a
 * shell variable and hand it to curl on stdin (`-H @-`): printf is a shell builtin, so the key
 * never appears in a process's arguments, where every local user could read it.
 */
export function upBanner(url: string, where: string, apiKeyFile?: string): string {
  const keyed = (curl: string) => (apiKeyFile ? `printf 'X-API-Key: %s\\n' "$SYNTRA_KEY" | ${curl} -H @-` : curl);
  const submit = keyed(`curl -s -X POST ${url}/v1/commands/submit -H 'content-type: application/json' -d '{"kind":"echo","input":{"message":"hello"}}'`);
  const events = (run: string) => keyed(`curl -N ${url}/v1/runs/${run}/events`);
  return [
    `Syntra is up (${where}).`,
    `  API:   ${url}`,
    `  Panel: ${url}/  (sign in with the admin email and password)`,
    `  Docs:  ${url}/docs`,
    '',
    ...(apiKeyFile ? ['The admin API key for the examples (in a shell variable; curl reads it from stdin, never from its arguments):', `  SYNTRA_KEY=$(node -p "require('${apiKeyFile}').apiKey")`] : []),
    'Submit an echo command:',
    `  ${submit}`,
    'Stream its events (the stream ends when the run finishes):',
    `  ${events('<runId>')}`,
    'Or both in one go:',
    `  RUN=$(${submit} | sed -E 's/.*"runId":"([^"]+)".*/\\1/') && ${events('$RUN')}`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

export function upCommand(): Command {
  return new Command('up')
    .description('run everything in one process: control API, worker and outbox relay (embedded PGlite unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port to listen on; 0 picks a free one (env SYNTRA_PORT, default 7070)', integerIn(0, 65535))
    .option('--host <host>', 'interface to listen on (env SYNTRA_HOST, default 127.0.0.1)')
    .option('-d, --data-dir <dir>', 'where embedded PGlite keeps its data (env SYNTRA_DATA_DIR, default ./.syntra/data)')
    .addHelpText('after', '\nExamples:\n  $ syntra up\n  $ syntra up --port 8080 --data-dir /tmp/syntra')
    .action(async (flags: ProcessFlags) => {
      const config = configFrom(flags);
      const { startupStep } = await import('../../runtime/startup-trace.js');
      startupStep('command parsed');
      // Loaded on use, so `--help` stays fast and never touches the database drivers.
      const { startEmbedded } = await import('../../runtime/embedded.js');
      const { stopOnSignal } = await import('../../runtime/signals.js');
      const proc = await startEmbedded(config);
      const where =
        config.mode === 'embedded'
          ? `embedded PGlite in ${config.dataDir}, ${config.natsUrl ? 'NATS wakeups' : 'in-process bus'}`
          : `PostgreSQL from DATABASE_URL, ${config.natsUrl ? 'NATS wakeups' : 'in-process bus'}`;
      process.stdout.write(upBanner(proc.url ?? '', where, proc.apiKeyFile));
      process.exitCode = await stopOnSignal(proc);
    });
}
