import { UsageError } from '../exit.js';
import { ask, closePrompts } from '../prompt/prompt.js';
import type { Settings } from './resolve.js';
import { updateUserConfig } from './user-file.js';

/**
 * The gate before the first request to an endpoint that a project file chose (see resolve.ts):
 * on a terminal the user confirms it once and the confirmation is remembered for that file and
 * that endpoint; without a terminal it is refused unless --trust-project-endpoint was given, so
 * a cloned repository cannot quietly point a script's CLI (and its credentials) at its server.
 */
export interface TrustIo {
  interactive: boolean;
  ask(question: string): Promise<string>;
}

const terminalIo = (): TrustIo => ({
  interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  ask: async (question) => {
    try {
      return await ask(question, { what: 'answer' });
    } finally {
      closePrompts();
    }
  },
});

export async function confirmProjectEndpoint(settings: Settings, io: TrustIo = terminalIo()): Promise<void> {
  const check = settings.endpointCheck;
  if (check.kind === 'ok') return;
  const choices = `pass --trust-project-endpoint, or choose the endpoint yourself with --endpoint or SYNTRA_ENDPOINT`;
  if (!io.interactive) {
    throw new UsageError(`${check.file} sets the endpoint to ${check.endpoint} (yours is ${check.ownEndpoint}) and nobody confirmed it: run the command on a terminal to confirm it once, ${choices}`);
  }
  const answer = await io.ask(`${check.file} points syntra at ${check.endpoint} instead of your ${check.ownEndpoint}. Send requests there? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError(`not sending requests to ${check.endpoint}: ${choices}`);
  const trusted = settings.user.insecure ? {} : (settings.user.config.trustedProjectEndpoints ?? {});
  updateUserConfig({ trustedProjectEndpoints: { ...trusted, [check.file]: check.endpoint } }, settings.env);
  settings.endpointCheck = { kind: 'ok' };
}
