import { Command } from 'commander';
import { updateUserConfig } from '../config/user-file.js';
import { contextOf, withClientOptions } from '../context.js';
import { UsageError } from '../exit.js';
import { renderTable } from '../output/table.js';
import { dateTime } from '../render/formatting.js';

/**
 * `syntra clusters add|list|remove|use` — the clusters registry (GET/POST/DELETE /v1/clusters):
 * named contexts of the workers' kubeconfig, or in-cluster. `use` makes one the default of this
 * CLI's questions (`syntra ask --cluster` for one question).
 */
interface ClusterRow {
  name: string;
  context: string | null;
  inCluster: boolean;
  createdAt: string;
  createdBy: string | null;
}

function addCommand(): Command {
  const cmd = new Command('add')
    .description("register a cluster: a context of the workers' kubeconfig (--context) or their in-cluster service account (--in-cluster)")
    .argument('<name>', 'lower-case name, e.g. prod-eu')
    .option('--context <context>', "a context of the workers' kubeconfig")
    .option('--in-cluster', 'the service account of the pod the workers run in');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra clusters add prod-eu --context prod-eu\n  $ syntra clusters add local --in-cluster\n\nNeeds control:write, not limited to namespaces.')
    .action(async (name: string, opts: { context?: string; inCluster?: boolean }, self: Command) => {
      if (Boolean(opts.context) === Boolean(opts.inCluster)) throw new UsageError('give either --context <context> or --in-cluster');
      const { term, client } = contextOf(self);
      const added = await client.post<ClusterRow>('/v1/clusters', { name, ...(opts.context ? { context: opts.context } : { inCluster: true }) });
      if (term.json) term.printJson(added);
      else term.out(`cluster ${added.name} registered (${added.inCluster ? 'in-cluster' : `context ${added.context}`}); ask it with: syntra ask --cluster ${added.name} "…"`);
    });
}

function listCommand(): Command {
  const cmd = new Command('list').alias('ls').description('the registered clusters');
  withClientOptions(cmd);
  return cmd.addHelpText('after', '\nExamples:\n  $ syntra clusters list\n  $ syntra clusters list --json').action(async (_opts: unknown, self: Command) => {
    const { settings, term, client } = contextOf(self);
    const res = await client.get<{ items: ClusterRow[] }>('/v1/clusters');
    if (term.json) return term.printJson({ ...res, current: settings.cluster ?? null });
    if (!res.items.length) return term.out('No clusters registered: questions go to the default cluster (the workers\' current kubeconfig context).');
    term.out(renderTable(term, ['', 'Name', 'Source', 'Added'], res.items.map((c) => [c.name === settings.cluster ? '*' : '', c.name, c.inCluster ? 'in-cluster' : `context ${c.context}`, dateTime(c.createdAt)])));
  });
}

function removeCommand(): Command {
  const cmd = new Command('remove').alias('rm').description('remove a cluster from the registry (its runs and incidents stay readable)').argument('<name>');
  withClientOptions(cmd);
  return cmd.addHelpText('after', '\nExamples:\n  $ syntra clusters remove prod-eu').action(async (name: string, _opts: unknown, self: Command) => {
    const { term, client } = contextOf(self);
    await client.request('DELETE', `/v1/clusters/${encodeURIComponent(name)}`);
    if (term.json) term.printJson({ removed: name });
    else term.out(`cluster ${name} removed`);
  });
}

function useCommand(): Command {
  const cmd = new Command('use').description('send this CLI\'s questions to a registered cluster (`default`: the default cluster)').argument('<name>');
  withClientOptions(cmd);
  return cmd.addHelpText('after', '\nExamples:\n  $ syntra clusters use prod-eu\n  $ syntra clusters use default').action(async (name: string, _opts: unknown, self: Command) => {
    const { settings, term, client } = contextOf(self);
    if (name === 'default') {
      updateUserConfig({ cluster: undefined }, settings.env);
      return term.out('questions go to the default cluster');
    }
    const { items } = await client.get<{ items: ClusterRow[] }>('/v1/clusters');
    if (!items.some((c) => c.name === name)) {
      throw new UsageError(`cluster ${name} is not registered (${items.length ? `registered: ${items.map((c) => c.name).join(', ')}` : 'none are'}); add it with syntra clusters add`);
    }
    updateUserConfig({ cluster: name }, settings.env);
    term.out(`questions go to cluster ${name} (syntra ask --cluster overrides it once)`);
  });
}

export function clustersCommand(): Command {
  return new Command('clusters')
    .description('the clusters registry: add, list, remove, use')
    .addHelpText('after', '\nExamples:\n  $ syntra clusters add prod-eu --context prod-eu\n  $ syntra clusters use prod-eu\n  $ syntra ask --cluster prod-eu "why is auth-service crashing in production"')
    .addCommand(addCommand())
    .addCommand(listCommand())
    .addCommand(removeCommand())
    .addCommand(useCommand());
}
