import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerWatch, type WorkerWatch } from '../../src/integrations/watch/index.js';
import { DEMO_DIR, openEvidenceSource, type EvidenceSource } from '../../src/investigator/sources/index.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';

/**
 * Watch mode inside the workers (`syntra worker --watch`): two worker replicas against the
 * loopback Kubernetes API server — only the lease holder scans (the API server sees one watcher),
 * its findings go through the alert service (one investigation, cooldown, resolve on recovery),
 * and when the holder stops the other takes over. Every list is paginated.
 */
describe('watch in the worker', () => {
  let api: ApiHarness;
  let kube: FakeApiServer;
  let source: EvidenceSource;
  let dir: string;
  let a: WorkerWatch;
  let b: WorkerWatch;
  beforeAll(async () => {
    api = await startApiHarness({ kinds: ['ask'] });
    kube = await startFakeApiServer({ dir: DEMO_DIR });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-watch-worker-'));
    source = await openEvidenceSource({ live: true, kubeconfig: await writeKubeconfig(kube.url, { dir }), redact: true });
    const options = { db: api.db, sourceFor: async () => source, namespace: 'production', intervalMs: 60_000, cooldownMs: 600_000, alerts: { dedupeWindowSeconds: 3600, maxRunsPerNotification: 5 } };
    a = startWorkerWatch({ ...options, holder: 'worker-a' }, { loop: false });
    b = startWorkerWatch({ ...options, holder: 'worker-b' }, { loop: false });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await kube?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const AUTH = 'watch:production/Deployment/auth-service';
  const alerts = async () =>
    (await api.db.query<{ status: string; run_id: string | null; receive_count: number; created_by: string }>(`SELECT status, run_id::text AS run_id, receive_count, created_by FROM alerts WHERE fingerprint = $1`, [AUTH])).rows;

  it('scans on one replica only, alerts once per cooldown, and hands over when the holder stops', async () => {
    let before = kube.requests.length;
    const first = await a.tick();
    const scan = kube.requests.slice(before);
    expect(first!.fired).toContain(AUTH);
    expect(await alerts()).toEqual([expect.objectContaining({ status: 'firing', run_id: expect.any(String), receive_count: 1, created_by: 'user:syntra-watch' })]);
    const runs = await api.db.query<{ kind: string }>(`SELECT kind FROM runs WHERE id = $1`, [(await alerts())[0]!.run_id]);
    expect(runs.rows[0]!.kind).toBe('ask');

    // The API server's cost of one scan: every list paginated, logs only of unhealthy pods.
    const lists = scan.filter((r) => /[?&]limit=\d+/.test(r.url));
    const logs = scan.filter((r) => r.url.includes('/log'));
    const discovery = scan.length - lists.length - logs.length;
    for (const r of scan.filter((r) => !r.url.includes('/log') && r.url.includes('/namespaces/production/'))) expect(r.url).toMatch(/[?&]limit=500/);
    const bytes = scan.reduce((n, r) => n + (r.bytes ?? 0), 0);
    console.info(`worker watch scan of production: ${scan.length} requests (${discovery} discovery, ${lists.length} lists, ${logs.length} log reads), ${bytes} bytes`);

    // The other replica stands by: no request reaches the API server.
    before = kube.requests.length;
    expect(await b.tick()).toBeNull();
    expect(kube.requests.length).toBe(before);

    // The holder again, within the cooldown: scanned, nothing alerted anew.
    expect((await a.tick())!.fired).toEqual([]);
    expect((await alerts())[0]!.receive_count).toBe(1);

    // auth-service recovers; the holder stops (its lease released), the other takes over: it starts
    // from a fresh view, and resolves nothing it never saw — auth-service is healthy anyway.
    const isAuth = (o: { metadata?: { name?: string } }) => (o.metadata?.name ?? '').startsWith('auth-service');
    const removed = new Map<string, Array<Record<string, unknown>>>();
    for (const kind of ['Pod', 'ReplicaSet', 'Deployment']) {
      kube.update(kind, (objects) => {
        removed.set(kind, objects.filter(isAuth));
        return objects.filter((o) => !isAuth(o));
      });
    }
    const recovered = await a.tick();
    expect(recovered!.resolved).toContain(AUTH);
    expect((await alerts())[0]!.status).toBe('resolved');
    await a.stop();

    // It breaks again: worker b holds the lease now and fires; the record re-fires within the dedupe window.
    for (const [kind, objects] of removed) kube.update(kind, (current) => [...current, ...objects]);
    const relapse = await b.tick();
    expect(relapse!.fired).toContain(AUTH);
    expect(await alerts()).toEqual([expect.objectContaining({ status: 'firing', receive_count: 2 })]);
  });
});
