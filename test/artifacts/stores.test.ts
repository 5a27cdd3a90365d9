import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { s3ArtifactStore } from '../../src/artifacts/s3-store.js';
import type { ArtifactStore } from '../../src/artifacts/store.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(path.join(tmpdir(), 'syntra-artifacts-'));
  dirs.push(d);
  return d;
};

let s3: S3rver;
let s3Endpoint: string;

beforeAll(async () => {
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: await tempDir(), configureBuckets: [{ name: 'syntra' }] });
  const { port } = await s3.run();
  s3Endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await s3?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const stores: Array<[string, () => Promise<ArtifactStore>]> = [
  ['local directory', async () => localArtifactStore(await tempDir())],
  [
    's3 (s3rver on loopback, through the real AWS SDK)',
    async () =>
      s3ArtifactStore({
        endpoint: s3Endpoint,
        region: 'us-east-1',
        bucket: 'syntra',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
        prefix: 'tenant-a',
      }),
  ],
];

describe.each(stores)('artifact store: %s', (_name, make) => {
  let store: ArtifactStore;
  beforeAll(async () => {
    store = await make();
  });

  it('round-trips bytes and reports missing keys as undefined', async () => {
    const body = new TextEncoder().encode('# Incident report\nroot cause: service_no_endpoints\n');
    await store.put('runs/r1/report.md/abc', body, 'text/markdown');
    expect(Buffer.from((await store.get('runs/r1/report.md/abc'))!).toString()).toContain('service_no_endpoints');
    expect(await store.get('runs/r1/nothing-here')).toBeUndefined();
  });

  it('is reachable', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });

  it.each(['../etc/passwd', 'runs//x', '/abs', 'runs/../../x'])('refuses the unsafe key %s', async (key) => {
    await expect(store.put(key, new Uint8Array([1]), 'application/octet-stream')).rejects.toThrow(/unsafe artifact key/);
  });
});

describe('s3 store against a missing bucket', () => {
  it('fails its check', async () => {
    const store = s3ArtifactStore({
      endpoint: s3Endpoint,
      region: 'us-east-1',
      bucket: 'no-such-bucket',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    });
    await expect(store.check()).rejects.toThrow();
  });
});

describe('local artifacts are owner-only', () => {
  it('writes files 0600 in directories 0700, whatever the umask', async () => {
    const root = path.join(await tempDir(), 'artifacts');
    const previous = process.umask(0o022);
    try {
      const store = localArtifactStore(root);
      await store.put('runs/r1/report.md', new TextEncoder().encode('# report'), 'text/markdown');
      expect((await stat(path.join(root, 'runs/r1/report.md'))).mode & 0o777).toBe(0o600);
      expect((await stat(path.join(root, 'runs/r1'))).mode & 0o777).toBe(0o700);
      expect((await stat(root)).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });
});
