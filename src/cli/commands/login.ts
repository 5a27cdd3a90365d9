import { Command } from 'commander';
import { SyntraError } from '../../domain/errors.js';
import { ApiClient } from '../client/http.js';
import { confirmProjectEndpoint } from '../config/endpoint-trust.js';
import { sessionFrom, type SessionResponse } from '../client/session.js';
import { SETTINGS, maskSecret } from '../config/settings.js';
import { updateUserConfig } from '../config/user-file.js';
import { contextOf, withClientOptions } from '../context.js';
import { UsageError } from '../exit.js';
import { ask, closePrompts } from '../prompt/prompt.js';

/**
 * `syntra login`: email + password → a session (access token + rotating refresh token) stored
 * in the user config, or `--api-key sk_…` checked against /v1/auth/me and stored there.
 * `syntra logout`: ends the session on the server and forgets the credentials locally.
 */
export interface Me {
  type: 'user' | 'key';
  id: string;
  userId: string;
  email: string;
  roles: string[];
  permissions: string[];
  namespaces: string[] | null;
  keyType: 'live' | 'test' | 'admin' | null;
}

const LOGIN_HELP = `
Credentials are stored in your user config file (mode 0600); \`syntra up\` already stores an
admin API key there, so on a local setup you are logged in from the start.

Examples:
  $ syntra login                                  # prompts for email and password
  $ syntra login --email me@example.com           # prompts for the password only
  $ syntra login --api-key-stdin < ~/secrets/syntra.key          # checks the key, then stores it
  $ printf '%s\n' "$SYNTRA_KEY" | syntra login --endpoint https://syntra.example.com --api-key-stdin
  $ printf '%s\n' "$PASSWORD" | syntra login --email me@example.com --password-stdin

A stored key is sent only to the endpoint it was stored for. Keys typed as --api-key sk_… stay
in your shell history; read them from a file or a variable with --api-key-stdin instead.`;

export function loginCommand(): Command {
  const cmd = new Command('login')
    .description('log in with email and password, or store an API key')
    .option('--email <email>', 'email to log in with (prompted when omitted)')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .option('--api-key-stdin', 'read an API key from stdin, check it and store it (keeps it out of shell history)');
  withClientOptions(cmd);
  return cmd.addHelpText('after', LOGIN_HELP).action(async (opts: { email?: string; passwordStdin?: boolean; apiKey?: string; apiKeyStdin?: boolean; endpoint?: string }, self: Command) => {
    const { settings, term } = contextOf(self);
    const endpoint = settings.endpoint;
    // Only a flag-given endpoint is remembered: env and project settings stay where they are.
    const rememberEndpoint = settings.values.endpoint.source === 'flag' ? { endpoint } : {};

    if (opts.apiKey !== undefined && opts.apiKeyStdin) throw new UsageError('give the key either with --api-key or on stdin with --api-key-stdin, not both');
    // Before anything secret is typed: the endpoint it would go to must be the user's choice.
    await confirmProjectEndpoint(settings);
    const givenKey = opts.apiKeyStdin ? await readKeyFromStdin() : opts.apiKey;
    if (givenKey !== undefined) {
      const apiKey = SETTINGS['api-key'].check(givenKey);
      const me = await ApiClient.fromSettings(settings, { kind: 'key', apiKey, source: 'flag' }).get<Me>('/v1/auth/me');
      const file = settings.user.path;
      // The key is bound to the endpoint it was just checked against and is never sent elsewhere.
      updateUserConfig({ ...rememberEndpoint, apiKey, apiKeyEndpoint: endpoint, session: undefined }, settings.env);
      if (term.json) return term.printJson({ endpoint, type: 'key', email: me.email, keyType: me.keyType, config: file });
      term.out(`Logged in to ${endpoint} as ${term.color.bold(me.email)} with ${me.keyType ?? ''} key ${maskSecret(apiKey)}.`);
      term.out(term.color.dim(`Stored in ${file}.`));
      return;
    }

    if (opts.passwordStdin && !opts.email) throw new UsageError('--password-stdin needs --email: the password is the only thing read from stdin');
    try {
      const email = (opts.email ?? (await ask('Email: ', { what: 'email' }))).trim();
      if (!email) throw new UsageError('an email is needed to log in (or use --api-key sk_…)');
      const password = await ask('Password: ', { secret: true, what: 'password' });
      if (!password) throw new UsageError('an empty password cannot log in');
      const client = ApiClient.fromSettings(settings, { kind: 'none' });
      const res = await client.send('POST', '/v1/auth/login', { body: { email, password }, auth: false });
      const session = sessionFrom(endpoint, (await res.json()) as SessionResponse, res.headers);
      updateUserConfig({ ...rememberEndpoint, session }, settings.env);
      if (term.json) return term.printJson({ endpoint, type: 'session', email: session.email, accessExpiresAt: session.accessExpiresAt, refreshExpiresAt: session.refreshExpiresAt ?? null });
      term.out(`Logged in to ${endpoint} as ${term.color.bold(session.email)}.`);
      term.out(term.color.dim(`Session stored in ${settings.user.path}; it renews itself until ${session.refreshExpiresAt ?? 'the refresh token expires'}.`));
    } catch (e) {
      if (e instanceof SyntraError && e.code === 'invalid_credentials') {
        throw new SyntraError(e.code, `login failed: wrong email or password for ${endpoint}`);
      }
      throw e;
    } finally {
      closePrompts();
    }
  });
}

async function readKeyFromStdin(): Promise<string> {
  try {
    return (await ask('API key: ', { secret: true, what: 'API key' })).trim();
  } finally {
    closePrompts();
  }
}

export function logoutCommand(): Command {
  const cmd = new Command('logout').description('end your session and forget the stored credentials');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', `
A login session is ended on the server too. A stored API key is only forgotten locally —
it keeps working until revoked (\`syntra keys revoke <id>\`).

Examples:
  $ syntra logout`)
    .action(async (_opts: unknown, self: Command) => {
      const { settings, term, client } = contextOf(self);
      const c = settings.credential;
      let message: string;
      if (c.kind === 'session') {
        // Ending it server-side revokes the refresh token family; do it before forgetting locally.
        await client.request('POST', '/v1/auth/logout').catch((e: unknown) => term.err(`syntra: warning: the server did not end the session: ${(e as Error).message}`));
        updateUserConfig({ session: undefined }, settings.env);
        message = `Logged out ${c.session.email} from ${settings.endpoint}.`;
      } else if (c.kind === 'key' && c.source === 'user') {
        updateUserConfig({ apiKey: undefined, session: undefined }, settings.env);
        message = `Forgot the API key ${maskSecret(c.apiKey)} stored in ${settings.user.path} (it still works until revoked).`;
      } else if (c.kind === 'key') {
        throw new UsageError(`the API key comes from ${c.source === 'flag' ? '--api-key' : (c.origin ?? c.source)}: remove it there to log out`);
      } else {
        message = 'Not logged in.';
      }
      if (term.json) term.printJson({ loggedOut: c.kind !== 'none', endpoint: settings.endpoint });
      else term.out(message);
    });
}
