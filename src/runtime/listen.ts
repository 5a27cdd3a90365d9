import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { SyntraConfig } from '../config.js';
import { SyntraError } from '../domain/errors.js';
import { reachableUrl } from './lifecycle.js';

const portInUse = (config: Pick<SyntraConfig, 'host' | 'port'>, cause: unknown) =>
  new SyntraError('config_invalid', `port ${config.port} on ${config.host} is already in use; choose another with --port or SYNTRA_PORT`, { cause });

/** Listens on the configured address and returns a URL a person can paste. */
export async function listenApi(app: FastifyInstance, config: SyntraConfig): Promise<string> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(config, e);
    throw e;
  }
  return reachableUrl(app.server.address(), config.host);
}

/**
 * Fails fast when the port is taken, before anything else is set up (a new data directory, a
 * database): binding it briefly is the only reliable check. Port 0 is always free.
 */
export async function assertPortFree(config: Pick<SyntraConfig, 'host' | 'port'>): Promise<void> {
  if (config.port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? portInUse(config, e) : e));
    probe.listen({ host: config.host, port: config.port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
