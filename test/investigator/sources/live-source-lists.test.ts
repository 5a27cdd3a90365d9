import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../../src/investigator/cluster/kinds.js';
import { DEMO_DIR } from '../../../src/investigator/sources/demo-cluster/index.js';
import { createLiveSource } from '../../../src/investigator/sources/live-source.js';
import type { FakeApiServer, FakeApiServerOptions } from '../../helpers/fake-apiserver.js';
import { startFakeApiServer, writeKubeconfig } from '../../helpers/fake-apiserver.js';

/**
 * The live source at cluster size: it lists what the kind table says, every list in pages
 * (`limit` + `continue`), and a caller's AbortSignal and the per-request timeout hold on every
 * page, not only the first. Against the loopback API server through the real client.
 */
const temps: string[] = [];
let dir: string;

/** The demo dump plus objects of kinds the demo has none of (a network policy, an ingress class). */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syntra-live-lists-'));
  temps.push(dir);
  await cp(DEMO_DIR, dir, { recursive: true });
  await writeFile(join(dir, 'production', 'networkpolicies.json'), JSON.stringify({
    kind: 'NetworkPolicyList', apiVersion: 'networking.k8s.io/v1', metadata: {},
    items: [{ metadata: { name: 'deny-egress', namespace: 'production' }, spec: { podSelector: {}, policyTypes: ['Egress'] } }],
  }));
  await writeFile(join(dir, 'ingressclasses.json'), JSON.stringify({
    kind: 'IngressClassList', apiVersion: 'networking.k8s.io/v1', metadata: {},
    items: [{ metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } }],
  }));
});
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function withServer<T>(options: Omit<FakeApiServerOptions, 'dir'>, fn: (api: FakeApiServer, kubeconfig: string) => Promise<T>): Promise<T> {
  const api = await startFakeApiServer({ dir, ...options });
  try {
    const kubeconfig = await writeKubeconfig(api.url, { namespace: 'production' });
    temps.push(join(kubeconfig, '..'));
    return await fn(api, kubeconfig);
  } finally {
    await api.close();
  }
}

const pathOf = (url: string) => url.split('?')[0]!;
const listsOf = (api: FakeApiServer, resource: string) => api.requests.filter((r) => new RegExp(`/${resource}\\?`).test(r.url) && !r.url.includes('/log?'));

describe('what the live source lists', () => {
  it('every row of the kind table marked listLive, namespaced or cluster-wide as its row says', async () => {
    await withServer({}, async (api, kubeconfig) => {
      const snapshot = await createLiveSource({ kubeconfig }).collect({ namespace: 'production' });
      const listed = new Set(api.requests.map((r) => pathOf(r.url)));
      for (const row of KINDS.filter((k) => k.listLive)) {
        const at = new RegExp(`^/(api/v1|apis/[^/]+/[^/]+)${row.namespaced ? '/namespaces/production' : ''}/${row.resource}$`);
        expect([...listed].filter((p) => at.test(p)), `${row.kind} listed at /…${row.namespaced ? '/namespaces/production' : ''}/${row.resource}`).toHaveLength(1);
      }
      expect(snapshot.networkPolicies.map((p) => p.metadata?.name)).toEqual(['deny-egress']);
      expect(snapshot.ingressClasses.map((c) => c.metadata?.name)).toEqual(['nginx']);
      expect(snapshot.source.warnings).toBeUndefined();
    });
  });
});

describe('pagination', () => {
  it('every list call asks for pages of 500 by default', async () => {
    await withServer({}, async (api, kubeconfig) => {
      await createLiveSource({ kubeconfig }).collect({ namespace: 'production' });
      const lists = api.requests.filter((r) => /\/(namespaces\/production\/)?[a-z]+\?/.test(r.url) && !r.url.includes('/log?'));
      expect(lists.length).toBeGreaterThan(15);
      for (const r of lists) expect(new URL(r.url, 'http://x').searchParams.get('limit'), r.url).toBe('500');
    });
  });

  it('follows metadata.continue until the list is complete', async () => {
    await withServer({}, async (api, kubeconfig) => {
      const snapshot = await createLiveSource({ kubeconfig, pageSize: 5 }).collect({ namespace: 'production' });
      expect(snapshot.pods).toHaveLength(17);
      expect(new Set(snapshot.pods.map((p) => p.metadata?.name)).size).toBe(17);
      const podPages = listsOf(api, 'pods');
      expect(podPages).toHaveLength(4);
      expect(podPages.every((r) => r.url.includes('limit=5'))).toBe(true);
      expect(podPages.slice(1).every((r) => r.url.includes('continue='))).toBe(true);
      expect(snapshot.events).toHaveLength(40);
    });
  });

  it("the caller's AbortSignal stops the paging: no page is asked for after it fires", async () => {
    const controller = new AbortController();
    let abortedAt = -1;
    await withServer({
      intercept: (url) => {
        if (abortedAt < 0 && url.pathname.endsWith('/pods') && url.searchParams.has('continue')) {
          controller.abort();
          abortedAt = Date.now();
        }
        return undefined;
      },
    }, async (api, kubeconfig) => {
      await expect(createLiveSource({ kubeconfig, pageSize: 5 }).collect({ namespace: 'production' }, controller.signal)).rejects.toMatchObject({ code: 'cancelled' });
      const afterAbort = api.requests.slice(api.requests.findIndex((r) => r.url.includes('continue=')) + 1);
      expect(abortedAt).toBeGreaterThan(0);
      expect(afterAbort).toEqual([]);
    });
  });

  it('the per-request timeout holds on a later page', async () => {
    await withServer({ intercept: (url) => (url.pathname.endsWith('/pods') && url.searchParams.has('continue') ? 'stall' : undefined) }, async (api, kubeconfig) => {
      await expect(createLiveSource({ kubeconfig, pageSize: 5, requestTimeoutMs: 2000 }).collect({ namespace: 'production' })).rejects.toMatchObject({ code: 'timeout' });
      const pages = listsOf(api, 'pods');
      expect(pages.map((r) => r.status)).toEqual([200, undefined]);
      expect(pages[1]!.url).toContain('continue=');
    });
  });
});
