import { Command } from 'commander';
import { isSyntraError } from '../../domain/errors.js';
import { maskSecret } from '../config/settings.js';
import { contextOf, withClientOptions } from '../context.js';
import { dateTime, relative } from '../render/formatting.js';
import { renderFields, renderTable } from '../output/table.js';
import type { Me } from './login.js';

interface Window {
  window: string;
  limit: number;
  used: number;
  remaining: number;
  resetAt: string;
  resetSeconds: number;
}

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  expiresAt: string | null;
  graceUntil: string | null;
}

/** `syntra status`: endpoint, who you are, credential expiry, and your rate-limit windows. */
export function statusCommand(): Command {
  const cmd = new Command('status').description('who am I, which endpoint, when credentials expire, rate-limit windows');
  withClientOptions(cmd);
  return cmd
    .addHelpText('after', '\nExamples:\n  $ syntra status\n  $ syntra status --json | jq .rateLimit')
    .action(async (_opts: unknown, self: Command) => {
      const { settings, term, client } = contextOf(self);
      const me = await client.get<Me>('/v1/auth/me');
      const rateLimit = await client.get<{ subject: string; windows: Window[] }>('/v1/rate-limit');
      const c = client.credential;
      let key: KeyView | undefined;
      if (me.type === 'key') {
        // Expiry is only visible to key managers; without keys:manage it stays unknown.
        key = await client
          .get<{ items: KeyView[] }>('/v1/keys')
          .then((r) => r.items.find((k) => k.id === me.id))
          .catch((e: unknown) => {
            if (isSyntraError(e) && (e.code === 'forbidden' || e.code === 'read_only_key')) return undefined;
            throw e;
          });
      }
      const credential =
        c.kind === 'session'
          ? { type: 'session', email: c.session.email, accessExpiresAt: c.session.accessExpiresAt, refreshExpiresAt: c.session.refreshExpiresAt ?? null }
          : c.kind === 'key'
            ? { type: 'key', key: maskSecret(c.apiKey), source: c.origin ?? c.source, keyType: me.keyType, expiresAt: key ? key.expiresAt : undefined }
            : { type: 'none' };
      if (term.json) {
        return term.printJson({ endpoint: settings.endpoint, endpointSource: settings.values.endpoint.source, me, credential, rateLimit });
      }
      const expiry =
        c.kind === 'session'
          ? `access token ${relative(c.session.accessExpiresAt)} (renews itself), session until ${dateTime(c.session.refreshExpiresAt) || 'unknown'}`
          : key === undefined
            ? 'unknown (needs keys:manage to see)'
            : key.expiresAt
              ? `${dateTime(key.expiresAt)} (${relative(key.expiresAt)})`
              : 'never';
      term.out(
        renderFields(term, [
          ['Endpoint', `${settings.endpoint} ${term.color.dim(`(${settings.values.endpoint.origin ?? settings.values.endpoint.source})`)}`],
          ['User', `${term.color.bold(me.email)} ${term.color.dim(`(${me.roles.join(', ') || 'no roles'})`)}`],
          ['Credential', c.kind === 'session' ? 'login session' : c.kind === 'key' ? `${me.keyType ?? ''} API key ${maskSecret(c.apiKey)} ${term.color.dim(`(from ${c.origin ?? c.source})`)}` : 'none'],
          ['Expires', expiry],
          ['Namespaces', me.namespaces ? me.namespaces.join(', ') : 'all'],
          ['Permissions', me.permissions.join(', ')],
        ]),
      );
      term.out(renderTable(term, ['Window', 'Limit', 'Used', 'Remaining', 'Resets'], rateLimit.windows.map((w) => [w.window, String(w.limit), String(w.used), String(w.remaining), `in ${w.resetSeconds}s`])));
    });
}
