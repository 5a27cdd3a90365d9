import { Command, InvalidArgumentError, Option } from 'commander';
import type { SigningKeyRing } from '../../access/signing-keys.js';
import type { Database } from '../../db/database.js';
import { UsageError } from '../exit.js';
import { configFrom, integerIn, requireDatabaseUrl } from '../options.js';
import { renderTable } from '../output/table.js';
import { createTerminal, type Terminal } from '../output/terminal.js';
import { dateTime, relative } from '../render/formatting.js';

/**
 * `syntra admin` — operator tasks that need only DATABASE_URL, no running server and no API key
 * (like `kubeadm token create`): mint a key (any type, scopes, namespaces, rate limits), reset a
 * password, list workers, re-seal the signing keys after a master-key rotation. Whoever can reach
 * the database can do these anyway; each is audited as `system` with the OS user and host.
 */
interface AdminFlags {
  json?: boolean;
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

async function withDatabase<T>(cmd: Command, work: (db: Database, term: Terminal) => Promise<T>): Promise<T> {
  const config = configFrom({});
  requireDatabaseUrl(config, `admin ${cmd.parent?.name() ?? ''} ${cmd.name()}`.replace(/\s+/g, ' ').trim());
  const term = createTerminal({ color: 'auto', output: cmd.optsWithGlobals<AdminFlags>().json ? 'json' : 'text' });
  // Loaded on use, so `--help` stays fast and never touches the database drivers.
  const { openDatabase } = await import('../../db/open.js');
  const { ensureFirstAdmin } = await import('../../access/admin-tasks.js');
  const db = await openDatabase(config);
  try {
    const created = await ensureFirstAdmin(db, process.env);
    if (created) term.err(`Created the first admin ${created} from SYNTRA_ADMIN_EMAIL/SYNTRA_ADMIN_PASSWORD.`);
    return await work(db, term);
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from a pipe, e.g.: syntra admin password reset ops@example.com --password-stdin < password.txt');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function keysCreate(): Command {
  return new Command('create')
    .description('create an API key and print it once (stdout); needs only DATABASE_URL')
    .option('--owner <email>', 'the user the key acts for (default: the first admin)')
    .option('--name <name>', 'what the key is for', 'created with syntra admin')
    .addOption(new Option('--type <type>', 'live, test (read-only), admin, or worker (the queue protocol only)').choices(['live', 'test', 'admin', 'worker']).default('admin'))
    .option('--permissions <list>', 'limit to these permissions (comma-separated), e.g. runs:read,runs:write', list)
    .option('--namespaces <list>', 'limit to these namespaces (comma-separated)', list)
    .option('--rate-limit-per-minute <n>', 'requests per minute for this key', integerIn(1, 1_000_000))
    .option('--rate-limit-per-hour <n>', 'requests per hour for this key', integerIn(1, 100_000_000))
    .option('--expires <date>', 'expiry (ISO 8601), e.g. 2026-01-31T00:00:00Z')
    .option('--json', 'print the key and its details as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ KEY=$(DATABASE_URL=postgres://syntra@db/syntra syntra admin keys create --owner ops@example.com)\n' +
        '  $ syntra admin keys create --type worker --namespaces team-a --name "team-a pool" > worker.key\n' +
        '  $ syntra admin keys create --type live --permissions runs:read,runs:write --namespaces staging --rate-limit-per-minute 600',
    )
    .action(async (o: { owner?: string; name: string; type: 'live' | 'test' | 'admin' | 'worker'; permissions?: string[]; namespaces?: string[]; rateLimitPerMinute?: number; rateLimitPerHour?: number; expires?: string }, self: Command) => {
      const expiresAt = o.expires ? new Date(o.expires) : null;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new InvalidArgumentError(`--expires "${o.expires}" is not a date`);
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new UsageError('--expires must be in the future');
      await withDatabase(self, async (db, term) => {
        const { adminCreateKey } = await import('../../access/admin-tasks.js');
        const { key, secret } = await adminCreateKey(db, {
          ...(o.owner ? { ownerEmail: o.owner } : {}),
          name: o.name,
          type: o.type,
          ...(o.permissions ? { permissions: o.permissions } : {}),
          ...(o.namespaces ? { namespaces: o.namespaces } : {}),
          expiresAt,
          rateLimit: { ...(o.rateLimitPerMinute ? { perMinute: o.rateLimitPerMinute } : {}), ...(o.rateLimitPerHour ? { perHour: o.rateLimitPerHour } : {}) },
        });
        if (term.json) return term.printJson({ secret, key });
        term.out(secret);
        term.err(
          `Created ${key.type} key "${key.name}" (${key.id}): ${key.permissions.join(', ') || 'no permissions'}; ` +
            `namespaces ${key.namespaces?.join(', ') ?? 'all'}. This is the only time it is shown: store it now.`,
        );
      });
    });
}

function passwordReset(): Command {
  return new Command('reset')
    .description("set a new password (generated and printed once unless --password-stdin), end the user's sessions and lift login locks")
    .argument('<email>', 'the user')
    .option('--password-stdin', 'read the new password from stdin instead of generating one')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ syntra admin password reset admin@localhost\n  $ syntra admin password reset ops@example.com --password-stdin < new-password.txt')
    .action(async (email: string, o: { passwordStdin?: boolean }, self: Command) => {
      const given = o.passwordStdin ? await readStdin() : undefined;
      await withDatabase(self, async (db, term) => {
        const { adminResetPassword } = await import('../../access/admin-tasks.js');
        const result = await adminResetPassword(db, email, given);
        if (term.json) return term.printJson({ userId: result.userId, ...(result.generated ? { password: result.password } : {}) });
        if (result.generated) term.out(result.password);
        term.err(`Password of ${email} ${result.generated ? 'reset to the generated one above (shown only this once)' : 'set'}; every session of the user has ended.`);
      });
    });
}

function workersList(): Command {
  return new Command('list')
    .alias('ls')
    .description('workers in the registry, the task types they serve, when last seen')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ syntra admin workers list')
    .action(async (_o: unknown, self: Command) => {
      await withDatabase(self, async (db, term) => {
        const { listWorkers, knownKinds } = await import('../../control-plane/workers.js');
        const [workers, kinds] = await Promise.all([listWorkers(db), knownKinds(db)]);
        if (term.json) return term.printJson({ items: workers, knownKinds: kinds });
        if (workers.length === 0) term.out('No workers have registered yet.');
        else {
          term.out(
            renderTable(
              term,
              ['Worker', 'Status', 'Via', 'Task types', 'Namespaces', 'Last seen', 'Started'],
              workers.map((w) => [w.workerId, w.status, w.transport === 'http' ? `http (key ${w.credential})` : 'database', w.taskTypes.join(', '), w.namespaces?.join(', ') ?? 'all', relative(w.lastSeenAt.toISOString()), dateTime(w.startedAt.toISOString())]),
            ),
          );
        }
        term.out(`Known task types: ${kinds.join(', ') || 'none'}`);
      });
    });
}

/** The signing-key ring as API replicas see it: the master keys from the environment (required here). */
async function withSigningKeys(self: Command, work: (ring: SigningKeyRing, masterKey: string) => Promise<Record<string, unknown> & { line: string }>, action: string): Promise<void> {
  await withDatabase(self, async (db, term) => {
    const { resolveMasterKeys } = await import('../../access/master-key.js');
    const { createSigningKeyRing } = await import('../../access/signing-keys.js');
    const { appendAudit } = await import('../../access/audit.js');
    const { adminActor } = await import('../../access/admin-tasks.js');
    const { DEFAULT_SESSION_OPTIONS } = await import('../../access/sessions.js');
    const masterKeys = resolveMasterKeys('distributed', '', { ...process.env, SYNTRA_JWT_SECRET: undefined });
    const ring = createSigningKeyRing(db, { masterKeys, verifyGraceSeconds: DEFAULT_SESSION_OPTIONS.accessTtlSeconds });
    const { line, ...details } = await work(ring, masterKeys.current.id);
    await appendAudit(db, { actorType: 'system', actorId: adminActor(), action, result: 'ok', details });
    if (term.json) return term.printJson(details);
    term.out(line);
  });
}

function signingKeysRotate(): Command {
  return new Command('rotate')
    .description('sign new access tokens with a new key; tokens of the old one keep working for one access-token lifetime (15 minutes)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ SYNTRA_MASTER_KEY_FILE=/run/secrets/syntra-master-key syntra admin signing-keys rotate')
    .action(async (_o: unknown, self: Command) =>
      withSigningKeys(self, async (ring) => {
        const kid = await ring.rotate();
        return { kid, line: `New signing key ${kid} is active; every API replica picks it up within 30 s.` };
      }, 'signing_keys.rotate'),
    );
}

function signingKeysReseal(): Command {
  return new Command('reseal')
    .description('re-encrypt the JWT signing keys with SYNTRA_MASTER_KEY after a master-key rotation (needs the old one as SYNTRA_MASTER_KEY_PREVIOUS)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ SYNTRA_MASTER_KEY_FILE=/run/secrets/new SYNTRA_MASTER_KEY_PREVIOUS_FILE=/run/secrets/old syntra admin signing-keys reseal')
    .action(async (_o: unknown, self: Command) =>
      withSigningKeys(self, async (ring, masterKey) => {
        const count = await ring.reseal();
        return { count, masterKey, line: `Re-sealed ${count} signing key(s) with master key ${masterKey}; SYNTRA_MASTER_KEY_PREVIOUS is no longer needed.` };
      }, 'signing_keys.reseal'),
    );
}

function group(name: string, description: string, example: string, ...commands: Command[]): Command {
  const cmd = new Command(name).description(description).addHelpText('after', `\nExamples:\n  ${example}`);
  for (const c of commands) cmd.addCommand(c);
  return cmd;
}

export function adminCommand(): Command {
  return new Command('admin')
    .description('operator tasks with DATABASE_URL alone: keys, passwords, workers, signing keys (no server or API key needed)')
    .addCommand(group('keys', 'API keys, straight in the database', '$ syntra admin keys create --owner admin@example.com', keysCreate()))
    .addCommand(group('password', 'passwords', '$ syntra admin password reset admin@example.com', passwordReset()))
    .addCommand(group('workers', 'the worker registry', '$ syntra admin workers list', workersList()))
    .addCommand(group('signing-keys', 'the JWT signing keys', '$ syntra admin signing-keys rotate', signingKeysRotate(), signingKeysReseal()))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ export DATABASE_URL=postgres://syntra@db:5432/syntra\n' +
        '  $ syntra admin keys create --owner admin@example.com           # an admin key, printed once\n' +
        '  $ syntra admin password reset admin@example.com\n' +
        '  $ syntra admin workers list',
    );
}
