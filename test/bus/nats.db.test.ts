import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNatsBus, WAKEUP_STREAM } from '../../src/bus/nats.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { startRelay } from '../../src/control-plane/relay.js';
import { getRun } from '../../src/control-plane/runs.js';
import type { Database } from '../../src/db/database.js';
import { SyntraError } from '../../src/domain/errors.js';
import { echoHandler } from '../../src/worker/handlers/echo.js';
import { createRegistry, TaskHandlerRegistry } from '../../src/worker/registry.js';
import { startWorker } from '../../src/worker/runtime.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { freePort, natsUrl, NATS_SERVER_BIN, ownNatsServer, waitFor } from '../helpers/bus.js';

/**
 * NATS-specific behaviour; runs only where NATS_URL is set (the postgres project), against that
 * server and against a private nats-server this file starts, stops and restarts.
 */
const runNats = Boolean(natsUrl());
const relayed = async (db: Database, runId: string) =>
  (await db.query<{ relayed: boolean }>(`SELECT relayed_at IS NOT NULL AS relayed FROM outbox WHERE payload->>'runId' = $1`, [runId])).rows[0]?.relayed;
const runStatus = async (db: Database, runId: string) => (await getRun(db, runId))?.run.status;

describe.skipIf(!runNats)('NATS bus', () => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
  });
  afterAll(() => t.drop());

  it('publishes and subscribes with wildcards, core and JetStream subjects alike', async () => {
    const bus = await connectNatsBus({ url: natsUrl()! });
    try {
      expect(bus.isConnected()).toBe(true);
      // Other test files (run in parallel, and other clones) publish on this server under the
      // same wildcards: count only the subjects this test made, and exactly once each.
      const id = randomBytes(4).toString('hex');
      const got: Array<[string, unknown]> = [];
      const mine = (s: string, p: unknown) => {
        if (s.includes(id)) got.push([s, p]);
      };
      const off = bus.subscribe('syntra.run.*.events', mine);
      const offWake = bus.subscribe('syntra.wake.>', mine);
      await bus.publish(`syntra.run.r1-${id}.events`, { n: 1 });
      await bus.publish(`syntra.wake.nats-test-${id}`, { w: 1 });
      await waitFor(() => got.length >= 2, 'both messages');
      expect(got).toHaveLength(2);
      expect(got).toContainEqual([`syntra.run.r1-${id}.events`, { n: 1 }]);
      expect(got).toContainEqual([`syntra.wake.nats-test-${id}`, { w: 1 }]);
      off();
      offWake();
    } finally {
      await bus.close();
    }
  });

  it('wakeups go through the JetStream stream and wake a worker long before its poll', async () => {
    const bus = await connectNatsBus({ url: natsUrl()! });
    const relay = startRelay({ db, bus, intervalMs: 60_000 });
    // A one-minute poll: only the wakeup can get this run done within the wait below.
    // A task type of its own: other test files share this NATS server and publish echo wakeups.
    const kind = `js-echo-${randomBytes(4).toString('hex')}`;
    const registry = new TaskHandlerRegistry().register(kind, echoHandler);
    const worker = startWorker({ db, bus, registry, concurrency: 2, pollIntervalMs: 60_000, leaseSeconds: 30, shutdownGraceMs: 1000 });
    try {
      await new Promise((r) => setTimeout(r, 200)); // the worker's initial claim has run
      const { runId } = await submitCommand(db, { kind, input: { via: 'jetstream' } });
      await waitFor(async () => (await runStatus(db, runId)) === 'succeeded', 'the woken worker to finish the run', 10_000);
      const jsm = await jetstreamManager(bus.connection!);
      const last = await jsm.streams.getMessage(WAKEUP_STREAM, { last_by_subj: `syntra.wake.${kind}` });
      expect(last?.json<{ runId: string }>()).toMatchObject({ runId });
    } finally {
      await worker.stop();
      await relay.stop();
      await bus.close();
    }
  });

  it.skipIf(!existsSync(NATS_SERVER_BIN))('NATS stopped: runs still complete by polling; the relay drains after it returns', async () => {
    const server = await ownNatsServer();
    const bus = await connectNatsBus({ url: server.url, retryMs: 100 });
    const relay = startRelay({ db, bus, intervalMs: 50 });
    const worker = startWorker({ db, bus, registry: createRegistry(), concurrency: 2, pollIntervalMs: 100, leaseSeconds: 30, shutdownGraceMs: 1000 });
    try {
      expect(bus.isConnected()).toBe(true);
      await server.stop();
      await waitFor(() => !bus.isConnected(), 'the bus to notice the outage');
      await expect(bus.publish('syntra.wake.x', {})).rejects.toBeInstanceOf(SyntraError);

      const { runId } = await submitCommand(db, { kind: 'echo', input: { during: 'outage' } });
      await waitFor(async () => (await runStatus(db, runId)) === 'succeeded', 'the polling worker to finish the run');
      expect(await relayed(db, runId)).toBe(false);

      await server.start();
      await waitFor(() => bus.isConnected(), 'the bus to reconnect', 15_000);
      await waitFor(async () => (await relayed(db, runId)) === true, 'the relay to drain the backlog', 10_000);
      const jsm = await jetstreamManager(bus.connection!);
      const info = await jsm.streams.info(WAKEUP_STREAM);
      expect(info.state.messages).toBeGreaterThan(0);
    } finally {
      await worker.stop();
      await relay.stop();
      await bus.close();
      await server.dispose();
    }
  });

  it.skipIf(!existsSync(NATS_SERVER_BIN))('a deleted wakeup stream is recreated and wakeups keep flowing meanwhile', async () => {
    const server = await ownNatsServer();
    const bus = await connectNatsBus({ url: server.url });
    try {
      const got: string[] = [];
      bus.subscribe('syntra.wake.>', (s) => got.push(s));
      const jsm = await jetstreamManager(bus.connection!);
      await jsm.streams.delete(WAKEUP_STREAM);
      await bus.publish('syntra.wake.after-delete', {});
      await waitFor(() => got.includes('syntra.wake.after-delete'), 'the wakeup over core NATS');
      await waitFor(() => jsm.streams.info(WAKEUP_STREAM).then(() => true, () => false), 'the stream to be recreated');
      await bus.publish('syntra.wake.stored', { n: 1 });
      const last = await jsm.streams.getMessage(WAKEUP_STREAM, { last_by_subj: 'syntra.wake.stored' });
      expect(last?.json()).toEqual({ n: 1 });
    } finally {
      await bus.close();
      await server.dispose();
    }
  });

  it.skipIf(!existsSync(NATS_SERVER_BIN))('opens without a server, never throws, and connects once one appears', async () => {
    const port = await freePort();
    const bus = await connectNatsBus({ url: `nats://127.0.0.1:${port}`, retryMs: 100 });
    try {
      expect(bus.isConnected()).toBe(false);
      const err = await bus.publish('syntra.run.x.events', {}).catch((e: unknown) => e);
      expect((err as SyntraError).code).toBe('bus_unavailable');
      const got: string[] = [];
      bus.subscribe('syntra.ctrl.>', (s) => got.push(s));
      const { spawn } = await import('node:child_process');
      const child = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
      try {
        await waitFor(() => bus.isConnected(), 'a late first connection', 15_000);
        // Subscriptions made while disconnected are live on the new connection.
        await waitFor(async () => {
          await bus.publish('syntra.ctrl.reload', {});
          return got.length > 0;
        }, 'the early subscription to receive', 5000, 100);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    } finally {
      await bus.close();
    }
  });
});
