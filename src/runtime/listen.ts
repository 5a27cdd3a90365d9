import type { FastifyInstance } from 'fastify';
import type { SyntraConfig } from '../config.js';
import { SyntraError } from '../domain/errors.js';
import { reachableUrl } from './lifecycle.js';

/** Listens on the configured address and returns a URL a person can paste. */
export async function listenApi(app: FastifyInstance, config: SyntraConfig): Promise<string> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new SyntraError('config_invalid', `port ${config.port} on ${config.host} is already in use; choose another with --port or SYNTRA_PORT`, { cause: e });
    }
    throw e;
  }
  return reachableUrl(app.server.address(), config.host);
}
