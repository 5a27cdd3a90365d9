import { Command, InvalidArgumentError } from 'commander';
import { contextOf, withClientOptions, withNamespaceOption } from '../context.js';
import { UsageError } from '../exit.js';

/**
 * `syntra watch` — proactive mode: scan the cluster (kubeconfig, read-only, or the demo) every
 * interval and send what became unhealthy to the API as alerts (POST /v1/alerts/generic, with a
 * key holding alerts:write), where they start investigations like any alert. Ctrl-C stops it.
 */
interface WatchFlags {
  live?: boolean;
  demo?: boolean;
  kubeconfig?: string;
  namespace?: string;
  interval: number;
  cooldown: number;
  once?: boolean;
}

const seconds = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer between ${min} and ${max}`);
  return n;
};

export function watchCommand(): Command {
  const cmd = new Command('watch')
    .description('scan the cluster every --interval seconds and raise alerts (investigated by the server) for what became unhealthy')
    .option('--live', 'the cluster of your kubeconfig (read-only; the default)')
    .option('--demo', 'the bundled demo cluster')
    .option('--kubeconfig <file>', 'kubeconfig for --live')
    .option('--interval <seconds>', 'seconds between scans (10-86400)', seconds(10, 86_400), 60)
    .option('--cooldown <seconds>', 'a workload still unhealthy is alerted again after this long (60-604800)', seconds(60, 604_800), 900)
    .option('--once', 'one scan, then exit');
  withNamespaceOption(cmd);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ SYNTRA_API_KEY=sk_live_… syntra watch -n production\n  $ syntra watch --demo --once --json\n\nThe key needs alerts:write (docs/alerts.md); alert rules decide what is investigated.')
    .action(async (flags: WatchFlags, self: Command) => {
      if (flags.live && flags.demo) throw new UsageError('choose --live or --demo, not both');
      if (flags.kubeconfig && flags.demo) throw new UsageError('--kubeconfig only applies with --live');
      const { settings, term, client } = contextOf(self);
      const [{ Watcher, scanCluster }, { openEvidenceSource }] = await Promise.all([import('../../integrations/watch/index.js'), import('../../investigator/sources/index.js')]);
      const source = await openEvidenceSource({ ...(flags.demo ? { demo: true } : { live: true }), ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), redact: true });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const watcher = new Watcher({
        scan: () => scanCluster(source, settings.namespace, AbortSignal.any([stop.signal, AbortSignal.timeout(120_000)])),
        send: async (alerts) => void (await client.post('/v1/alerts/generic', { alerts }, stop.signal)),
        cooldownMs: flags.cooldown * 1000,
      });
      try {
        for (;;) {
          try {
            const r = await watcher.tick();
            if (term.json) term.printJson({ at: new Date().toISOString(), ...r });
            else term.out(`${new Date().toISOString()} ${r.problems} unhealthy; alerted ${r.fired.join(', ') || 'nothing new'}${r.resolved.length ? `; resolved ${r.resolved.join(', ')}` : ''}`);
          } catch (e) {
            if (stop.signal.aborted) break;
            if (flags.once) throw e;
            // A failed scan or send is tried again next interval; nothing it found is forgotten.
            process.stderr.write(`syntra watch: ${(e as Error).message}; trying again in ${flags.interval}s\n`);
          }
          if (flags.once || stop.signal.aborted) break;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, flags.interval * 1000);
            stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
          });
          if (stop.signal.aborted) break;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
