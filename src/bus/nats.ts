import { connect, nanos, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import { SyntraError, errorMessage } from '../domain/errors.js';
import type { Bus, BusHandler } from './bus.js';
import { isWakeSubject, WAKE_ALL } from './subjects.js';

/**
 * NATS behind the Bus interface.
 *
 * - Wakeups (`syntra.wake.>`) are published into the JetStream stream SYNTRA_WAKEUPS and the
 *   relay waits for the stream's ack: a row is marked relayed only once NATS has stored it.
 * - Workers receive wakeups through a plain core-NATS subscription on the same subjects (a
 *   stream's subjects are ordinary subjects). Chosen over a JetStream consumer on purpose: a
 *   wakeup is a hint whose payload is never needed (claim reads PostgreSQL, and the workers
 *   poll as a backstop), so replaying wakeups missed during an outage would only produce
 *   empty claims, while consumer state on the server would add a failure mode and latency.
 * - `syntra.ctrl.>` and `syntra.run.>` are core NATS, best effort.
 *
 * Connection: retried forever in the background (also when the server is down at start),
 * subscriptions are re-established on every new connection, and nothing here throws at the
 * caller except publish while disconnected (SyntraError bus_unavailable).
 */
export const WAKEUP_STREAM = 'SYNTRA_WAKEUPS';
const PUBLISH_ACK_TIMEOUT_MS = 2000;

interface Sub {
  pattern: string;
  handler: BusHandler;
  nats?: Subscription;
}

export interface NatsBusOptions {
  url: string;
  /** Delay between attempts to establish a new connection (the client's own reconnects use reconnectTimeWait). */
  retryMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export async function connectNatsBus(o: NatsBusOptions): Promise<Bus & { readonly connection: NatsConnection | undefined }> {
  const log = o.log ?? (() => {});
  const subs = new Set<Sub>();
  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;
  let streamReady = false;
  let connected = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let firstAttempt: Promise<void> | undefined;

  const attach = (conn: NatsConnection, sub: Sub) => {
    sub.nats = conn.subscribe(sub.pattern, {
      callback: (err, msg) => {
        if (err) return;
        let payload: unknown;
        try {
          payload = msg.data.length ? msg.json() : null;
        } catch {
          payload = msg.string();
        }
        try {
          sub.handler(msg.subject, payload);
        } catch {
          // A subscriber's bug must not kill the subscription.
        }
      },
    });
  };

  const ensureStream = async (conn: NatsConnection) => {
    try {
      const jsm = await jetstreamManager(conn, { timeout: PUBLISH_ACK_TIMEOUT_MS });
      try {
        await jsm.streams.info(WAKEUP_STREAM);
      } catch {
        // Wakeups are worthless after a while: keep an hour, bounded in count and bytes.
        await jsm.streams.add({
          name: WAKEUP_STREAM,
          subjects: [WAKE_ALL],
          retention: RetentionPolicy.Limits,
          storage: StorageType.File,
          discard: DiscardPolicy.Old,
          max_age: nanos(60 * 60 * 1000),
          max_msgs: 100_000,
          max_bytes: 64 * 1024 * 1024,
          num_replicas: 1,
        });
      }
      js = jetstream(conn, { timeout: PUBLISH_ACK_TIMEOUT_MS });
      streamReady = true;
    } catch (e) {
      // Without JetStream wakeups still flow over core NATS; the relay just gets no storage ack.
      streamReady = false;
      log('warn', `NATS JetStream stream ${WAKEUP_STREAM} unavailable, wakeups use core NATS: ${errorMessage(e)}`);
    }
  };

  const watch = async (conn: NatsConnection) => {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') {
        connected = false;
        log('warn', 'NATS disconnected; reconnecting (workers keep polling)');
      } else if (s.type === 'reconnect') {
        connected = true;
        log('info', 'NATS reconnected');
        // A restarted server may have lost the stream (e.g. a fresh store dir).
        void ensureStream(conn);
      }
    }
  };

  const scheduleRetry = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void establish();
    }, o.retryMs ?? 1000);
    retryTimer.unref?.();
  };

  async function establish(): Promise<void> {
    if (closed) return;
    let conn: NatsConnection;
    try {
      conn = await connect({
        servers: o.url,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        reconnectJitter: 250,
        pingInterval: 10_000,
        maxPingOut: 2,
        timeout: 2000,
        name: 'syntra',
      });
    } catch (e) {
      log('warn', `NATS connect to ${o.url} failed, retrying: ${errorMessage(e)}`);
      scheduleRetry();
      return;
    }
    if (closed) {
      await conn.close().catch(() => {});
      return;
    }
    nc = conn;
    for (const sub of subs) attach(conn, sub);
    await ensureStream(conn);
    connected = true;
    void watch(conn).catch(() => {});
    void conn.closed().then(() => {
      if (nc === conn) {
        nc = undefined;
        js = undefined;
        connected = false;
      }
      if (!closed) scheduleRetry();
    });
  }

  firstAttempt = establish();
  // Returning once the first attempt settled (connected or not) keeps start-up deterministic
  // without ever blocking on an outage.
  await firstAttempt;

  return {
    get connection() {
      return nc;
    },
    async publish(subject, payload) {
      const conn = nc;
      if (closed || !conn || !connected) throw new SyntraError('bus_unavailable', 'NATS is not connected');
      const data = JSON.stringify(payload ?? null);
      try {
        if (isWakeSubject(subject) && streamReady && js) {
          try {
            await js.publish(subject, data, { timeout: PUBLISH_ACK_TIMEOUT_MS });
          } catch (e) {
            if (!connected) throw e;
            // Connected but no ack: no stream answers (deleted, or a server restarted without its
            // store; our own wake subscribers make that a timeout rather than "no responders").
            // Recreate it, and deliver this wakeup over core NATS rather than stall the relay.
            streamReady = false;
            await ensureStream(conn);
            conn.publish(subject, data);
          }
        } else {
          conn.publish(subject, data);
        }
      } catch (e) {
        throw new SyntraError('bus_unavailable', `NATS publish to ${subject} failed: ${errorMessage(e)}`, { cause: e });
      }
    },
    subscribe(pattern, handler) {
      const sub: Sub = { pattern, handler };
      subs.add(sub);
      if (nc && !nc.isClosed()) {
        try {
          attach(nc, sub);
        } catch {
          // Attached again on the next connection.
        }
      }
      return () => {
        subs.delete(sub);
        try {
          sub.nats?.unsubscribe();
        } catch {
          // Already gone with its connection.
        }
      };
    },
    isConnected: () => connected && !closed,
    async close() {
      closed = true;
      connected = false;
      if (retryTimer) clearTimeout(retryTimer);
      subs.clear();
      const conn = nc;
      nc = undefined;
      if (conn && !conn.isClosed()) {
        // Draining needs the server; during an outage close outright instead of waiting for it.
        const drained = conn.isClosed() || !conn.getServer() ? Promise.resolve() : conn.drain().catch(() => {});
        const timer = new Promise<void>((r) => setTimeout(r, 2000).unref?.());
        await Promise.race([drained, timer]);
        if (!conn.isClosed()) await conn.close().catch(() => {});
      }
    },
  };
}
