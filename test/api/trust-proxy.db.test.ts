import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/access/users.js';
import { loadConfig, trustProxySetting } from '../../src/config.js';
import { isSyntraError } from '../../src/domain/errors.js';
import { startApiHarness, type ApiHarness } from './harness.js';

/**
 * Behind an ingress every connection comes from the proxy. SYNTRA_TRUST_PROXY (off by default)
 * names the proxies allowed to report the client in X-Forwarded-For; rate limits, login
 * throttling and the audit trail then see clients, and nobody else can claim an address.
 */
describe('SYNTRA_TRUST_PROXY', () => {
  it('is off by default and accepts true or proxy addresses and ranges; anything else stops the start', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting(' 10.0.0.0/8, 127.0.0.1 ,::1,loopback ')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'loopback']);
    for (const bad of ['yes', '2', '10.0.0.0/33', '300.1.1.1', 'proxy.internal']) {
      let error: unknown;
      try {
        loadConfig({ SYNTRA_TRUST_PROXY: bad });
      } catch (e) {
        error = e;
      }
      expect(isSyntraError(error) && error.code === 'config_invalid' && /SYNTRA_TRUST_PROXY/.test(error.message), bad).toBe(true);
    }
  });
});

async function failedLoginsSeen(h: ApiHarness, from: string, forwardedFor: string): Promise<string[]> {
  const email = `proxy-${Math.random().toString(36).slice(2)}@example.test`;
  await createUser(h.db, { email, password: 'correct-horse-battery', roles: ['viewer'] });
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    remoteAddress: from,
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { email, password: 'wrong-password-123' },
  });
  expect(res.statusCode).toBe(401);
  const audit = (await h.app.inject({ url: `/v1/audit?action=auth.login&target=${encodeURIComponent(email)}` })).json() as { events: Array<{ ip: string }> };
  const throttled = await h.db.query<{ subject: string }>(`SELECT subject FROM login_attempts WHERE scope = 'ip' AND subject = ANY($1::text[])`, [[from, forwardedFor]]);
  return [...audit.events.map((e) => `audit ${e.ip}`), ...throttled.rows.map((r) => `throttle ${r.subject}`)];
}

describe('the client address the API acts on', () => {
  let plain: ApiHarness;
  let proxied: ApiHarness;
  beforeAll(async () => {
    plain = await startApiHarness();
    proxied = await startApiHarness({ env: { SYNTRA_TRUST_PROXY: '10.0.0.0/8' } });
  });
  afterAll(async () => {
    await plain?.close();
    await proxied?.close();
  });

  it('is the TCP peer when no proxy is trusted: a client cannot choose its address', async () => {
    expect(await failedLoginsSeen(plain, '10.1.2.3', '203.0.113.9')).toEqual(['audit 10.1.2.3', 'throttle 10.1.2.3']);
  });

  it('is the forwarded client when the peer is a trusted proxy', async () => {
    expect(await failedLoginsSeen(proxied, '10.1.2.3', '203.0.113.9')).toEqual(['audit 203.0.113.9', 'throttle 203.0.113.9']);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    expect(await failedLoginsSeen(proxied, '198.51.100.4', '203.0.113.10')).toEqual(['audit 198.51.100.4', 'throttle 198.51.100.4']);
  });
});
