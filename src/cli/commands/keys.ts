import { idArg, resolveId } from '../client/resolve-id.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { contextOf, withClientOptions } from '../context.js';
import { integerIn } from '../options.js';
import { renderTable } from '../output/table.js';
import { dateTime, relative } from '../render/formatting.js';

/** `syntra keys create|list|rotate|revoke` — API keys (needs keys:manage). */
interface KeyView {
  id: string;
  name: string;
  prefix: string;
  type: string;
  permissions: string[];
  namespaces: string[] | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  graceUntil: string | null;
  createdAt: string;
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const uuid = idArg('key', 'syntra keys list');

function keyState(k: KeyView): string {
  if (k.revokedAt) return 'revoked';
  if (k.graceUntil) return `rotated, valid ${relative(k.graceUntil)}`;
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

function secretNotice(term: ReturnType<typeof contextOf>['term'], secret: string, key: KeyView): void {
  term.out(`${term.color.bold(secret)}`);
  term.err(term.color.yellow(`This is the only time the key ${key.name} (${key.id}) is shown: store it now.`));
  term.err(term.color.dim(`Use it with: syntra login --api-key ${key.prefix}…  or  SYNTRA_API_KEY=… syntra status`));
}

function createCommand(): Command {
  const cmd = new Command('create')
    .description('create an API key; the secret is printed once')
    .requiredOption('--name <name>', 'what the key is for, e.g. "ci pipeline"')
    .addOption(
      new Option('--type <type>', 'live (full access within its permissions), test (read-only), admin, or worker (the queue protocol only, for remote workers)')
        .choices(['live', 'test', 'admin', 'worker'])
        .default('live'),
    )
    .option('--permissions <list>', 'limit to these permissions (comma-separated, repeatable), e.g. runs:read,runs:write', list)
    .option('--namespaces <list>', 'limit to these namespaces (comma-separated, repeatable)', list)
    .option('--expires <date>', 'expiry (ISO 8601), e.g. 2026-01-31T00:00:00Z')
    .option('--rate-limit-per-minute <n>', "requests per minute for this key (default: its role's)", integerIn(1, 1_000_000))
    .option('--rate-limit-per-hour <n>', "requests per hour for this key (default: its role's)", integerIn(1, 100_000_000))
    .option('--owner <userId>', 'owner (default: you)');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra keys create --name ci --type live --permissions runs:read,runs:write --namespaces staging --rate-limit-per-minute 600\n  $ syntra keys create --name dashboards --type test --expires 2026-01-01T00:00:00Z')
    .action(async (opts: { name: string; type: string; permissions?: string[]; namespaces?: string[]; expires?: string; owner?: string; rateLimitPerMinute?: number; rateLimitPerHour?: number }, self: Command) => {
      const { term, client } = contextOf(self);
      let expiresAt: string | undefined;
      if (opts.expires) {
        const at = new Date(opts.expires);
        if (Number.isNaN(at.getTime())) throw new InvalidArgumentError(`--expires "${opts.expires}" is not a date`);
        expiresAt = at.toISOString();
      }
      const res = await client.post<{ secret: string; key: KeyView }>('/v1/keys', {
        name: opts.name,
        type: opts.type,
        ...(opts.permissions ? { permissions: opts.permissions } : {}),
        ...(opts.namespaces ? { namespaces: opts.namespaces } : {}),
        ...(expiresAt ? { expiresAt } : {}),
        ...(opts.owner ? { ownerId: opts.owner } : {}),
        ...(opts.rateLimitPerMinute || opts.rateLimitPerHour
          ? { rateLimit: { ...(opts.rateLimitPerMinute ? { perMinute: opts.rateLimitPerMinute } : {}), ...(opts.rateLimitPerHour ? { perHour: opts.rateLimitPerHour } : {}) } }
          : {}),
      });
      if (term.json) return term.printJson(res);
      secretNotice(term, res.secret, res.key);
    });
}

function listCommand(): Command {
  const cmd = new Command('list').alias('ls').description('API keys (never their secrets)').option('--all', 'include revoked keys').option('--owner <userId>', 'only keys of this user');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra keys list\n  $ syntra keys list --all --json')
    .action(async (opts: { all?: boolean; owner?: string }, self: Command) => {
      const { term, client } = contextOf(self);
      const res = await client.get<{ items: KeyView[] }>('/v1/keys', { includeRevoked: opts.all ? true : undefined, ownerId: opts.owner });
      if (term.json) return term.printJson(res);
      if (!res.items.length) return term.out('No API keys.');
      term.out(
        renderTable(
          term,
          ['Id', 'Name', 'Prefix', 'Type', 'State', 'Namespaces', 'Expires', 'Last used'],
          res.items.map((k) => [k.id, k.name, `${k.prefix}…`, k.type, keyState(k), k.namespaces?.join(',') ?? 'all', k.expiresAt ? dateTime(k.expiresAt) : 'never', k.lastUsedAt ? relative(k.lastUsedAt) : 'never']),
        ),
      );
    });
}

function rotateCommand(): Command {
  const cmd = new Command('rotate')
    .description('issue a replacement key; the old one keeps working for a grace period')
    .argument('<keyId>', 'key id', uuid)
    .option('--grace <seconds>', 'how long the old key stays valid (default: the server’s, 24h)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of seconds');
      return n;
    });
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra keys rotate 0190c3e2-… --grace 3600')
    .action(async (keyId: string, opts: { grace?: number }, self: Command) => {
      const { term, client } = contextOf(self);
      keyId = await resolveId(client, 'keys', keyId);
      const res = await client.post<{ secret: string; key: KeyView; previous: KeyView }>(`/v1/keys/${keyId}/rotate`, opts.grace === undefined ? {} : { graceSeconds: opts.grace });
      if (term.json) return term.printJson(res);
      secretNotice(term, res.secret, res.key);
      if (res.previous.graceUntil) term.err(term.color.dim(`The old key ${res.previous.prefix}… works until ${dateTime(res.previous.graceUntil)}.`));
    });
}

function revokeCommand(): Command {
  const cmd = new Command('revoke').description('revoke an API key at once').argument('<keyId>', 'key id', uuid);
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra keys revoke 0190c3e2-…')
    .action(async (keyId: string, _opts: unknown, self: Command) => {
      const { term, client } = contextOf(self);
      keyId = await resolveId(client, 'keys', keyId);
      const res = await client.post<{ key: KeyView }>(`/v1/keys/${keyId}/revoke`, {});
      if (term.json) return term.printJson(res);
      term.out(`Revoked ${res.key.name} (${res.key.prefix}…).`);
    });
}

export function keysCommand(): Command {
  return new Command('keys')
    .description('create, list, rotate and revoke API keys (needs keys:manage)')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(rotateCommand())
    .addCommand(revokeCommand())
    .addHelpText('after', '\nExamples:\n  $ syntra keys create --name ci --type live\n  $ syntra keys list');
}
