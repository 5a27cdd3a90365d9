import type { LightMyRequestResponse } from 'fastify';
import { createAccess } from '../../src/access/access.js';
import { createApiKey } from '../../src/access/api-keys.js';
import { createUser } from '../../src/access/users.js';
import { buildApp, type SyntraApp } from '../../src/api/app.js';
import { createInProcessBus } from '../../src/bus/in-process.js';
import { loadConfig } from '../../src/config.js';
import { appendEvent } from '../../src/control-plane/ledger.js';
import { claim, complete } from '../../src/control-plane/queue.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import type { Database } from '../../src/db/database.js';
import { KINDS, NAMESPACES } from './load.js';

/**
 * One database under test behind the real API (buildApp + inject): an admin key, a key limited
 * to two namespaces (the namespace filter every restricted caller gets), and a finished run with
 * 100 ledger events made through the real submit, ledger and queue code.
 */
export interface Target {
  label: string;
  db: Database;
  app: SyntraApp;
  get(url: string, restricted?: boolean): Promise<LightMyRequestResponse>;
  submit(): Promise<string>;
  /** Claims one available item and completes it; the two durations in ms. */
  claimOne(workerId: string): Promise<number>;
  probeRunId: string;
  close(): Promise<void>;
}

export const PROBE_EVENTS = 100;

export async function openTarget(label: string, db: Database): Promise<Target> {
  const config = loadConfig({ SYNTRA_LOG_LEVEL: 'silent' }, { host: '127.0.0.1', port: 0 });
  const bus = createInProcessBus();
  const unlimited = { perMinute: 100_000_000, perHour: 100_000_000 };
  const app = await buildApp({ config, db, bus, logger: false, access: createAccess(db, { rateLimits: { default: unlimited } }) });
  const suffix = Math.random().toString(36).slice(2);
  const admin = await createUser(db, { email: `bench-admin-${suffix}@bench.test`, password: 'bench-password-not-secret', roles: ['admin'], namespaces: null });
  const adminKey = (await createApiKey(db, { ownerId: admin.id, name: 'bench', type: 'admin', namespaces: null })).secret;
  const scoped = NAMESPACES.slice(0, 2);
  const viewer = await createUser(db, { email: `bench-viewer-${suffix}@bench.test`, password: 'bench-password-not-secret', roles: ['viewer'], namespaces: scoped });
  const viewerKey = (await createApiKey(db, { ownerId: viewer.id, name: 'bench viewer', type: 'live', namespaces: scoped })).secret;
  await announceWorker(db, { workerId: 'bench-history', transport: 'database', taskTypes: [...KINDS] });

  const get = (url: string, restricted = false) => app.inject({ method: 'GET', url, headers: { 'x-api-key': restricted ? viewerKey : adminKey } });
  const submit = async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/commands/submit',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      payload: JSON.stringify({ kind: 'bench.echo', namespace: NAMESPACES[0], input: { question: 'bench' } }),
    });
    if (res.statusCode !== 201) throw new Error(`submit answered ${res.statusCode}: ${res.body}`);
    return (res.json() as { runId: string }).runId;
  };
  const claimOne = async (workerId: string) => {
    const t = performance.now();
    const [item] = await claim(db, { workerId, taskTypes: ['bench.echo'], limit: 1, leaseSeconds: 30 });
    const took = performance.now() - t;
    if (!item) throw new Error(`${label}: nothing to claim`);
    await complete(db, { queueItemId: item.queueItemId, leaseToken: item.leaseToken, output: { ok: true } });
    return took;
  };

  // The probe run: submitted, 97 events appended while it waits, then claimed and completed (started/succeeded events).
  const probeRunId = await submit();
  for (let seq = (await db.query<{ n: number }>('SELECT last_seq AS n FROM runs WHERE id = $1', [probeRunId])).rows[0]!.n; seq < PROBE_EVENTS - 3; seq++) {
    await db.transaction((tx) => appendEvent(tx, { runId: probeRunId, type: 'agent.step', actor: 'bench', data: { step: seq, note: 'collected pod state, 3 containers, 2 restarts' } }));
  }
  await claimOne('bench-probe');

  return {
    label,
    db,
    app,
    get,
    submit,
    claimOne,
    probeRunId,
    async close() {
      await app.close();
      await bus.close();
    },
  };
}
