import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Watcher, scanCluster } from '../../src/integrations/watch/index.js';
import { DEMO_DIR, openEvidenceSource, type EvidenceSource } from '../../src/investigator/sources/index.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { createWebhookKey } from './alert-fixtures.js';

/**
 * Watch mode against the loopback Kubernetes API server through the real client: a scan finds the
 * demo cluster's crash-looping auth-service and raises one alert through the generic webhook (an
 * investigation starts); the next scan within the cooldown raises nothing; once auth-service is
 * healthy (gone from the cluster) the alert resolves; when it breaks again it fires again. Every
 * list the scan makes is paginated (`limit`), and its request count is bounded.
 */
describe('syntra watch', () => {
  let api: ApiHarness;
  let kube: FakeApiServer;
  let source: EvidenceSource;
  let dir: string;
  let clock = 0;
  let watcher: Watcher;
  beforeAll(async () => {
    api = await startApiHarness({ kinds: ['ask'] });
    kube = await startFakeApiServer({ dir: DEMO_DIR });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-watch-'));
    source = await openEvidenceSource({ live: true, kubeconfig: await writeKubeconfig(kube.url, { dir }), redact: true });
    const bearer = `Bearer ${(await createWebhookKey(api.db)).apiKey}`;
    watcher = new Watcher({
      scan: () => scanCluster(source, 'production'),
      send: async (alerts) => {
        const res = await api.app.inject({ method: 'POST', url: '/v1/alerts/generic', headers: { authorization: bearer }, payload: { alerts } });
        if (res.statusCode !== 200) throw new Error(`alerts refused: ${res.body}`);
      },
      cooldownMs: 60_000,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await kube?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const AUTH = 'watch:production/Deployment/auth-service';
  const alert = async () =>
    (await api.db.query<{ status: string; run_id: string | null; receive_count: number }>(`SELECT status, run_id::text AS run_id, receive_count FROM alerts WHERE fingerprint = $1`, [AUTH])).rows;

  it('alerts on what broke, once per cooldown, resolves on recovery and fires again on relapse', async () => {
    const before = kube.requests.length;
    const first = await watcher.tick();
    const scanRequests = kube.requests.slice(before);
    expect(first.fired).toContain(AUTH);
    expect(await alert()).toEqual([expect.objectContaining({ status: 'firing', run_id: expect.any(String), receive_count: 1 })]);
    // Bounded cost: every list is paginated, logs only for unhealthy pods, a bounded number of requests.
    const lists = scanRequests.filter((r) => !r.url.includes('/log') && /\/(api|apis)\/.+\/[a-z]+(\?|$)/.test(r.url) && r.method === 'GET' && !/\/(api|apis)\/[^/]+(\/[^/]+)?$/.test(r.url.split('?')[0]!));
    expect(lists.length).toBeGreaterThan(0);
    for (const l of lists) expect(l.url).toMatch(/[?&]limit=\d+/);
    expect(scanRequests.length).toBeLessThan(60);
    console.info(`watch scan of production: ${scanRequests.length} API requests (${lists.length} lists, ${scanRequests.filter((r) => r.url.includes('/log')).length} log reads)`);

    clock += 10_000;
    expect((await watcher.tick()).fired).toEqual([]);

    // auth-service recovers (here: its objects are gone from the cluster).
    const isAuth = (o: { metadata?: { name?: string } }) => (o.metadata?.name ?? '').startsWith('auth-service');
    const removed = new Map<string, Array<Record<string, unknown>>>();
    for (const kind of ['Pod', 'ReplicaSet', 'Deployment']) {
      kube.update(kind, (objects) => {
        removed.set(kind, objects.filter(isAuth));
        return objects.filter((o) => !isAuth(o));
      });
    }
    clock += 10_000;
    const recovered = await watcher.tick();
    expect(recovered.resolved).toContain(AUTH);
    expect((await alert())[0]!.status).toBe('resolved');

    // It breaks again: a new firing alert; within the server's dedupe window it attaches to the same record.
    for (const [kind, objects] of removed) kube.update(kind, (current) => [...current, ...objects]);
    clock += 10_000;
    expect((await watcher.tick()).fired).toContain(AUTH);
    expect(await alert()).toEqual([expect.objectContaining({ status: 'firing', receive_count: 2 })]);
  });
});
