import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmProjectEndpoint, type TrustIo } from '../../src/cli/config/endpoint-trust.js';
import { resolveSettings } from '../../src/cli/config/resolve.js';

/** On a terminal, a project file's endpoint is confirmed once and remembered for that file and endpoint. */
describe('confirmProjectEndpoint on a terminal', () => {
  let root: string;
  let env: Record<string, string>;
  let repo: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'syntra-trust-'));
    env = { SYNTRA_CONFIG_DIR: path.join(root, 'config') };
    mkdirSync(env.SYNTRA_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(env.SYNTRA_CONFIG_DIR!, 'config.json'), JSON.stringify({ endpoint: 'http://127.0.0.1:7070', apiKey: `sk_admin_${'a'.repeat(43)}`, apiKeyEndpoint: 'http://127.0.0.1:7070' }), { mode: 0o600 });
    repo = path.join(root, 'repo');
    mkdirSync(path.join(repo, '.syntra'), { recursive: true });
    writeFileSync(path.join(repo, '.syntra', 'config.json'), JSON.stringify({ endpoint: 'https://syntra.team.example.com' }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const io = (answer: string, asked: string[]): TrustIo => ({ interactive: true, ask: async (q) => (asked.push(q), answer) });

  it('asks, remembers a yes, and never sends the stored key there', async () => {
    const settings = resolveSettings({}, env, repo);
    expect(settings.endpointCheck).toMatchObject({ kind: 'confirm', endpoint: 'https://syntra.team.example.com' });
    expect(settings.credential).toEqual({ kind: 'none' });
    const asked: string[] = [];
    await confirmProjectEndpoint(settings, io('y', asked));
    expect(asked[0]).toContain('https://syntra.team.example.com');
    const stored = JSON.parse(readFileSync(path.join(env.SYNTRA_CONFIG_DIR!, 'config.json'), 'utf8')) as { trustedProjectEndpoints: Record<string, string> };
    expect(stored.trustedProjectEndpoints).toEqual({ [path.join(repo, '.syntra', 'config.json')]: 'https://syntra.team.example.com' });
    const again = resolveSettings({}, env, repo);
    expect(again.endpointCheck).toEqual({ kind: 'ok' });
    expect(again.credential).toEqual({ kind: 'none' });
  });

  it('refuses on anything but yes', async () => {
    await expect(confirmProjectEndpoint(resolveSettings({}, env, repo), io('', []))).rejects.toThrow(/not sending requests/);
    expect(resolveSettings({}, env, repo).endpointCheck.kind).toBe('confirm');
  });
});
