import type { SyntraConfig } from '../config.js';

/**
 * Wakeups and notifications only — never data of record (that lives in PostgreSQL, and
 * everything on the bus has a polling backstop). Subjects: see subjects.ts.
 */
export type BusHandler = (subject: string, payload: unknown) => void;

export interface Bus {
  /** Rejects with SyntraError('bus_unavailable') while disconnected; callers retry or rely on polling. */
  publish(subject: string, payload: unknown): Promise<void>;
  /** NATS-style wildcards: `*` one token, `>` the rest. Survives reconnects. Returns unsubscribe. */
  subscribe(subject: string, handler: BusHandler): () => void;
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface OpenBusOptions {
  /** Called with connection state changes and errors; defaults to silence. */
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** NATS (JetStream for wakeups) when NATS_URL is set, else the in-process bus. Never throws on an outage. */
export async function openBus(config: Pick<SyntraConfig, 'natsUrl'>, options: OpenBusOptions = {}): Promise<Bus> {
  if (config.natsUrl) {
    const { connectNatsBus } = await import('./nats.js');
    return connectNatsBus({ url: config.natsUrl, ...(options.log ? { log: options.log } : {}) });
  }
  const { createInProcessBus } = await import('./in-process.js');
  return createInProcessBus();
}
